from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo province: synthetic population, name tables, register and duplicate generators, scenarios.
    Domain apps hold no demo code; nothing here runs on a production installation (``core.safety``)."""

    name = "ansinh.demo"
    verbose_name = "Tỉnh mẫu"
