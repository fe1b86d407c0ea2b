from django.apps import AppConfig


class PovertyConfig(AppConfig):
    name = "ansinh.poverty"
    verbose_name = "Rà soát hộ nghèo, hộ cận nghèo"

    def ready(self) -> None:
        from ansinh.poverty import imports  # noqa: F401  (registers the "poverty_survey" kind)
