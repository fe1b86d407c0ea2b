from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "ansinh.registry"
    verbose_name = "Cơ sở dữ liệu hộ, nhân khẩu"

    def ready(self) -> None:
        from ansinh.registry import imports  # noqa: F401  (registers the "registry" import kind)
