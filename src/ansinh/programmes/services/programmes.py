"""Programmes and their beneficiary groups."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from ansinh.accounts.models import User
from ansinh.core.audit import audit_record
from ansinh.programmes.models import (
    AmountMode,
    BeneficiaryGroup,
    FundingSource,
    Programme,
    ProgrammeOrigin,
    ProgrammeStatus,
)
from ansinh.programmes.permissions import require_generator


@transaction.atomic(durable=True)
def programme_from_definition(*, definition: Mapping, actor: User, province_code: str) -> Programme:
    """Create (or return, when it exists) a programme and its groups from a definition (see definitions.py)."""
    require_generator(actor)
    existing = Programme.objects.filter(code=definition["code"]).first()
    if existing:
        return existing
    fields = {k: definition[k] for k in ("code", "name", "legal_basis", "kind", "overlap_rule", "period",
                                         "window_start", "window_end", "register_cutoff", "death_cutoff", "budget")}
    # A definition in code is law already decided (NQ 42, a housing scheme the province entered): it is seeded
    # approved, with the same rows the designer writes, so lists, uploads and payments see one kind of programme.
    programme = Programme(province_code=province_code, overlap_parameter=definition.get("overlap_parameter", ""),
                          status=ProgrammeStatus.APPROVED, origin=ProgrammeOrigin.CODE, prepared_by=actor,
                          **fields)
    programme.full_clean()
    programme.save()
    FundingSource.objects.bulk_create([FundingSource(programme=programme, name=n, amount=a)
                                       for n, a in definition.get("funding_sources", [])])
    BeneficiaryGroup.objects.bulk_create([
        BeneficiaryGroup(programme=programme, order=i, code=g["code"], name=g["name"], template=g["template"],
                         rules_variable=g["rules_variable"], input_variable=g.get("input_variable", ""),
                         source=g["source"], registers=g.get("registers", []), conditions=g.get("conditions", ""),
                         amount_mode=AmountMode.RULES if g["rules_variable"] else AmountMode.DECIDED)
        for i, g in enumerate(definition["groups"], start=1)])
    audit_record(actor=actor, action="programme.create", obj=programme, summary=f"Tạo chương trình {programme.name}")
    return programme
