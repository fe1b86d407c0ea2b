from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ansinh.core"
    verbose_name = "Nền tảng"

    def ready(self) -> None:
        from django.utils import timezone

        from ansinh.core import dates

        # A date typed or read without an explicit ``today=`` is checked against the local date of TIME_ZONE.
        dates.use_today(timezone.localdate)
