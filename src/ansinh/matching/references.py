"""What references a person: every foreign key / one-to-one to ``Person`` in any installed app (read from the
models' metadata, so a new app's references are moved by a merge without any change here)."""

from __future__ import annotations

from django.db import models

from ansinh.registry.models import Person


def person_reference_fields() -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every foreign key / one-to-one to Person in any installed app,
    hidden ones (``related_name="+"``) included; history tables and this app's own tables excluded."""
    out = []
    for rel in Person._meta.get_fields(include_hidden=True):
        if not rel.auto_created or rel.concrete or not (rel.one_to_many or rel.one_to_one):
            continue
        model = rel.related_model
        if model._meta.app_label == "matching" or hasattr(model, "instance_type") or model._meta.proxy:
            continue  # instance_type: a django-simple-history table (history stays with its records)
        out.append((model, rel.field.name))
    return sorted(out, key=lambda mf: (mf[0]._meta.label_lower, mf[1]))
