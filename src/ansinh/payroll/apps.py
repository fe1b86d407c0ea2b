from django.apps import AppConfig


class PayrollConfig(AppConfig):
    name = "ansinh.payroll"
    verbose_name = "Chi trả trợ cấp hằng tháng"

    def ready(self) -> None:
        from ansinh.payroll import imports  # noqa: F401  (registers the "payroll_results" kind)
