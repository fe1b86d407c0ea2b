from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _deadline_rules(sender, using="default", **kwargs) -> None:
    """After migrate and after a flush (tests, «flush»): the legal deadlines are back, unconfirmed ones without days."""
    from ansinh.casework.legal_deadlines import deadline_rules_ensure
    from ansinh.casework.models import DeadlineRule

    if DeadlineRule._meta.db_table in connections[using].introspection.table_names():
        deadline_rules_ensure(DeadlineRule)


class CaseworkConfig(AppConfig):
    name = "ansinh.casework"
    verbose_name = "Tiếp công dân, khiếu nại, tố cáo và thanh tra"

    def ready(self) -> None:
        post_migrate.connect(_deadline_rules, sender=self)
