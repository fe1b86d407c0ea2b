from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "ansinh.matching"
    verbose_name = "Trùng lặp và ghép bản ghi"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ansinh.matching import imports  # noqa: F401  (registers the "match_file" kind)
