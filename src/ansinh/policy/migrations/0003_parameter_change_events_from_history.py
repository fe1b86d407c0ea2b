"""Every parameter change gets its workflow events (propose, then approve / reject / withdraw), so that the
shared engine's maker-checker reads the same history for old and new changes."""

from django.db import migrations

DECIDED = {"approved": "approve", "rejected": "reject", "withdrawn": "withdraw"}


def forward(apps, schema_editor):
    ParameterChange = apps.get_model("policy", "ParameterChange")
    Event = apps.get_model("policy", "ParameterChangeEvent")
    for change in ParameterChange.objects.all():
        if Event.objects.filter(change=change).exists():
            continue
        event = Event.objects.create(change=change, step="propose", from_status="", to_status="proposed",
                                     actor_id=change.proposed_by_id, note=change.reference[:500])
        Event.objects.filter(pk=event.pk).update(at=change.proposed_at)
        step = DECIDED.get(change.status)
        if step:
            actor = change.decided_by_id or change.proposed_by_id
            event = Event.objects.create(change=change, step=step, from_status="proposed", to_status=change.status,
                                         actor_id=actor, note=change.rejection_reason)
            if change.decided_at:
                Event.objects.filter(pk=event.pk).update(at=change.decided_at)


class Migration(migrations.Migration):
    dependencies = [("policy", "0002_parameter_change_events")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
