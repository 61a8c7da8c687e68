from django.apps import AppConfig


class RubricConfig(AppConfig):
    name = "rubric"
    verbose_name = "Rubric"

    def ready(self) -> None:
        from rubric import guards

        guards.connect()
