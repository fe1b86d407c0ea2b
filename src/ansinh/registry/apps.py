from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "ansinh.registry"
    verbose_name = "Cơ sở dữ liệu hộ, nhân khẩu"
