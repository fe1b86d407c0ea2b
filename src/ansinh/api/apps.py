from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _request_rules(sender, using="default", **kwargs) -> None:
    """After migrate and after a flush (tests, «flush»): the answer deadlines are back, unconfirmed ones without days."""
    from ansinh.api.legal_deadlines import request_rules_ensure
    from ansinh.api.models import DataRequestRule

    if DataRequestRule._meta.db_table in connections[using].introspection.table_names():
        request_rules_ensure(DataRequestRule)


class ApiConfig(AppConfig):
    name = "ansinh.api"
    label = "api"
    verbose_name = "Kết nối hệ thống khác (API), bảo vệ dữ liệu cá nhân"

    def ready(self) -> None:
        post_migrate.connect(_request_rules, sender=self)
