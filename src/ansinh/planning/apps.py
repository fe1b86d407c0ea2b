from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "ansinh.planning"
    verbose_name = "Kế hoạch, chỉ tiêu, nhiệm vụ, báo cáo và văn bản"

    def ready(self) -> None:
        from ansinh.planning import imports  # noqa: F401  (registers the "planning_achievements" kind)
