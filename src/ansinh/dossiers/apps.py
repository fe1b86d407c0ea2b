from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "ansinh.dossiers"
    verbose_name = "Hồ sơ lưu trữ số hoá"

    def ready(self) -> None:
        from ansinh.dossiers import imports  # noqa: F401  (registers the campaign's zip of scans)
