from django.apps import AppConfig


class LabourConfig(AppConfig):
    name = "ansinh.labour"
    verbose_name = "Lao động, việc làm và giáo dục nghề nghiệp"

    def ready(self) -> None:
        from ansinh.labour import imports  # noqa: F401  (registers the supply, employer, vacancy, placement, enrolment kinds)
