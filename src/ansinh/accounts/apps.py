from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ansinh.accounts"
    verbose_name = "Người dùng và phân quyền"

    def ready(self):
        from ansinh.accounts import system_checks  # noqa: F401  (registers the deployment checks)
