from django.apps import AppConfig


class CalibrationConfig(AppConfig):
    name = "calibration"

    def ready(self) -> None:
        # The Keeper summary reads leniency through scorecards' hook (imports point one way).
        from calibration.selectors import leniency_for_summary
        from scorecards.calibration_hook import leniency_provider_set

        leniency_provider_set(leniency_for_summary)
