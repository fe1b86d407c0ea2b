"""What the apps' hand-written migrations (``0002_database_rules``) share."""

from __future__ import annotations

from django.db import migrations


def _statements(sql) -> list[str]:
    return list(sql) if isinstance(sql, (list, tuple)) else [sql]


class RunSQLOn(migrations.RunSQL):
    """``RunSQL`` run on one database vendor only (the PostgreSQL and the SQLite dialects differ; PostgreSQL-only
    indexes, collations and storage options have nothing to do on SQLite). ``sql`` and ``reverse_sql`` are one
    statement or a list of them, each executed as written (a PL/pgSQL body between ``$$`` is never split)."""

    def __init__(self, vendor: str, sql, reverse_sql=None):
        super().__init__(_statements(sql), None if reverse_sql is None else _statements(reverse_sql),
                         elidable=False)
        self.vendor = vendor

    def deconstruct(self):
        name, _args, kwargs = super().deconstruct()
        return name, [self.vendor, kwargs.pop("sql"), kwargs.pop("reverse_sql", None)], {}

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)
