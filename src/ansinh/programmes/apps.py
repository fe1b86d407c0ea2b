from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "ansinh.programmes"
    verbose_name = "Chương trình hỗ trợ"

    def ready(self) -> None:
        from ansinh.programmes import imports  # noqa: F401  (registers the "list_upload" and "register" kinds)
