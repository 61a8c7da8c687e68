from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"

    def ready(self) -> None:
        from integrations import receivers  # noqa: F401  (connects the webhook events to the lower apps' signals)
