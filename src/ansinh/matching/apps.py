from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "ansinh.matching"
    verbose_name = "Trùng lặp và ghép bản ghi"
    default_auto_field = "django.db.models.BigAutoField"
