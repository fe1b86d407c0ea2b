from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "ansinh.payments"
    verbose_name = "Chi trả"

    def ready(self) -> None:
        from ansinh.payments import imports  # noqa: F401  (registers the "payment_results" kind)
