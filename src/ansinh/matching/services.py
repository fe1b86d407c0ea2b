"""Writes for matching: runs, decisions ("different people"), merges and their undo, file matching.

A merge moves everything that references the merged person to the kept one: identity
numbers (filled where the kept record has none), memberships, a household's head, and every
other foreign key to ``Person`` in any app (found through ``Person._meta``, so programmes and
payments rows are covered). Each moved row is recorded in ``PersonMerge.moved`` so undo puts
back exactly what was there. Rows of models with history are saved one by one (their history
gets an entry "Gộp trùng lặp"); history rows themselves are never rewritten.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.db import DatabaseError, IntegrityError, models, transaction
from django.utils import timezone

from ansinh.accounts.models import User
from ansinh.core.audit import audit_record
from ansinh.core.errors import ConcurrentChange, DomainError
from ansinh.core.sql import compose, table
from ansinh.matching.models import (
    Band,
    CandidatePair,
    MatchingSettings,
    MatchRun,
    NonMatch,
    PairStatus,
    PersonMerge,
    RunStatus,
)
from ansinh.matching.permissions import require_decider, require_matching_admin
from ansinh.matching.references import person_reference_fields
from ansinh.matching.selectors import MembershipConflict, membership_conflict
from ansinh.registry.models import Household, Membership, Person, Relationship

logger = logging.getLogger(__name__)

MIN_TRAIN_RECORDS = 1_000
IDENTITY_FIELDS = {"pid": "số định danh cá nhân", "cmnd": "số CMND", "social_insurance_no": "mã số BHXH"}
REASON = "Gộp trùng lặp"
UNDO_REASON = "Hoàn tác gộp trùng lặp"
END_MEMBERSHIP = "end"
MOVE_MEMBERS = "move_members"


def _require_pair_in_area(actor: User, *commune_ids: int) -> None:
    require_decider(actor, *commune_ids)


def _ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _save(obj, *, actor: User, reason: str, update_fields: list[str] | None = None) -> None:
    obj._history_user = actor
    obj._change_reason = reason
    obj.save(update_fields=update_fields)


# -- settings --------------------------------------------------------------------------------

@transaction.atomic(durable=True)
def matching_settings_update(*, actor: User, auto_merge_enabled: bool, auto_merge_threshold: float,
                             review_threshold: float) -> MatchingSettings:
    require_matching_admin(actor)
    if not 0 < review_threshold <= auto_merge_threshold < 1:
        raise DomainError("Cần 0 < ngưỡng xem xét ≤ ngưỡng tự động gộp < 1.", field="review_threshold")
    current = MatchingSettings.objects.select_for_update().get_or_create(pk=1)[0]
    current.auto_merge_enabled, current.updated_by = auto_merge_enabled, actor
    current.auto_merge_threshold, current.review_threshold = auto_merge_threshold, review_threshold
    current.full_clean()
    current.save()
    audit_record(actor=actor, action="matching_settings_update", obj=current,
                 summary=f"Ghép trùng: tự động gộp {'bật' if auto_merge_enabled else 'tắt'}, ngưỡng "
                         f"{review_threshold} / {auto_merge_threshold}")
    return current


# -- what references a person ----------------------------------------------------------------

def _unique_sets(model, field_name: str) -> list[tuple[tuple[str, ...], models.Q | None, str]]:
    """The unique constraints of ``model`` that include ``field_name``."""
    sets = []
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields and field_name in constraint.fields:
            sets.append((tuple(constraint.fields), constraint.condition, constraint.name))
    for fields in model._meta.unique_together:
        if field_name in fields:
            sets.append((tuple(fields), None, "unique_together"))
    if model._meta.get_field(field_name).unique:
        sets.append(((field_name,), None, f"{field_name} unique"))
    return sets


def _unique_conflicts(model, field_name: str, pks: list[int], kept_id: int) -> list[str]:
    conflicts = []
    manager = model._default_manager
    for fields, condition, _name in _unique_sets(model, field_name):
        others = [f for f in fields if f != field_name]
        rows = manager.filter(pk__in=pks)
        if condition is not None:
            rows = rows.filter(condition)
        for row in rows.values("pk", *[model._meta.get_field(f).attname for f in others]):
            lookup = {model._meta.get_field(f).attname: row[model._meta.get_field(f).attname] for f in others}
            clash = manager.filter(**{field_name: kept_id}, **lookup).exclude(pk=row["pk"])
            if condition is not None:
                clash = clash.filter(condition)
            other = clash.values_list("pk", flat=True).first()
            if other is not None:
                what = ", ".join(str(model._meta.get_field(f).verbose_name) for f in fields)
                conflicts.append(f"{model._meta.verbose_name} #{row['pk']} trùng với #{other} của người giữ lại"
                                 f" ({what})")
    return conflicts


# -- merge and undo --------------------------------------------------------------------------

def _lock_persons(*ids: int) -> dict[int, Person]:
    found = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    if len(found) != len(set(ids)):
        raise ConcurrentChange("Không còn tìm thấy một trong hai nhân khẩu; hãy tải lại trang.")
    return found


def _identity_plan(kept: Person, merged: Person) -> tuple[dict, dict]:
    """(fields to fill on kept, fields to clear on merged); refuses conflicting numbers."""
    conflicts, fill = [], {}
    for name, label in IDENTITY_FIELDS.items():
        k, m = getattr(kept, name), getattr(merged, name)
        if k and m and k != m:
            conflicts.append(label)
        elif m and not k:
            fill[name] = m
    if conflicts:
        raise DomainError(f"Không thể gộp: hai người có {', '.join(conflicts)} khác nhau. Nếu đúng là một "
                          "người, hãy sửa số giấy tờ sai trước khi gộp.")
    return fill, {name: None for name in fill}


def _set_person_fields(person: Person, values: dict, *, actor: User, reason: str) -> dict:
    """Apply ``values`` to ``person``; return {field: [old, new]} with ids for relations."""
    changes = {}
    for name, value in values.items():
        attname = Person._meta.get_field(name).attname
        old = getattr(person, attname)
        if old != value:
            changes[name] = [old, value]
            setattr(person, attname, value)
    if changes:
        _save(person, actor=actor, reason=reason,
              update_fields=[Person._meta.get_field(n).name for n in changes] + ["updated_at"])
    return changes


def _move_rows(*, kept: Person, merged: Person, actor: User) -> list[dict]:
    """Point every referencing row at ``kept``; refuse (listing them) rows that cannot move."""
    plan = []
    conflicts: list[str] = []
    for model, field_name in person_reference_fields():
        pks = list(model._default_manager.filter(**{field_name: merged.pk}).order_by("pk")
                   .values_list("pk", flat=True))
        if pks:
            plan.append((model, field_name, pks))
            conflicts += _unique_conflicts(model, field_name, pks, kept.pk)
    if conflicts:
        raise DomainError("Không thể gộp vì các bản ghi sau sẽ bị trùng: " + "; ".join(conflicts) + ".")
    moved = []
    for model, field_name, pks in plan:
        for pk in pks:
            try:
                with transaction.atomic():
                    _point(model, pk, field_name, kept.pk, actor=actor, reason=f"{REASON}: #{merged.pk} → #{kept.pk}")
            except (IntegrityError, DatabaseError) as err:
                conflicts.append(f"{model._meta.verbose_name} #{pk} không chuyển được ({str(err).strip()[:120]})")
                continue
            moved.append({"model": model._meta.label_lower, "pk": pk, "field": field_name, "old": merged.pk})
    if conflicts:
        raise DomainError("Không thể gộp: " + "; ".join(conflicts) + ".")
    return moved


def _point(model, pk, field_name: str, person_id: int, *, actor: User, reason: str) -> None:
    attname = model._meta.get_field(field_name).attname
    if hasattr(model, "history"):
        obj = model._default_manager.get(pk=pk)
        setattr(obj, attname, person_id)
        _save(obj, actor=actor, reason=reason, update_fields=[field_name])
    else:
        model._default_manager.filter(pk=pk).update(**{attname: person_id})


# -- two current household memberships -------------------------------------------------------

@dataclass(frozen=True)
class MembershipChoice:
    """How a merge resolves two current household memberships (``selectors.membership_conflict``).

    ``stay_with``: the person (kept or merged record) whose current membership remains; with two households,
    the household the person lives in after the merge. The other membership:
    ``END_MEMBERSHIP`` — ended on ``left_date`` (if it was a head's, ``new_head``, one of that household's other
    current members, becomes head; nobody when nobody else lives there);
    ``MOVE_MEMBERS`` — the other household's current members leave it on ``left_date`` and join the remaining
    household (same relationship; a head becomes «khác»), the other household keeps no member and no head.
    In one household only ``stay_with`` matters: the other record's membership is ended as a duplicate.
    """

    stay_with: int
    other: str = END_MEMBERSHIP
    left_date: dt.date | None = None
    new_head: int | None = None


def _json(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def _apply(obj, values: dict, *, actor: User, reason: str) -> dict:
    """Set ``values`` (field name → value, ids for relations) on ``obj`` with a history entry; the op for undo."""
    fields = {}
    for name, value in values.items():
        attname = obj._meta.get_field(name).attname
        old = getattr(obj, attname)
        if old != value:
            fields[name] = [_json(old), _json(value)]
            setattr(obj, attname, value)
    if fields:
        stamp = ["updated_at"] if any(f.name == "updated_at" for f in obj._meta.concrete_fields) else []
        _save(obj, actor=actor, reason=reason, update_fields=[*fields, *stamp])
    return {"op": "set", "model": obj._meta.label_lower, "pk": obj.pk, "fields": fields}


def _end_membership(membership: Membership, left: dt.date, why: str, *, actor: User, reason: str) -> dict:
    if membership.joined_date and left < membership.joined_date:
        raise DomainError(f"Ngày rời hộ {left:%d/%m/%Y} trước ngày {membership.person.full_name} vào hộ "
                          f"{membership.household.code} ({membership.joined_date:%d/%m/%Y}).", field="left_date")
    return _apply(membership, {"left_date": left, "left_reason": why}, actor=actor, reason=reason)


def membership_conflict_message(conflict: MembershipConflict) -> str:
    parts = [f"#{pk} {side.person.full_name} ở hộ {side.household.code}{' (chủ hộ)' if side.is_head else ''}"
             for pk, side in sorted(conflict.sides.items())]
    return ("Cả hai bản ghi đang là thành viên hộ: " + "; ".join(parts) + ". Hãy chọn giữ tư cách thành viên hộ "
            "nào và xử lý tư cách còn lại (kết thúc với ngày rời hộ, hoặc chuyển các thành viên sang hộ giữ lại).")


def _checked_choice(conflict: MembershipConflict, choice: MembershipChoice | None) -> dt.date:
    if choice is None:
        raise DomainError(membership_conflict_message(conflict))
    if choice.stay_with not in conflict.sides:
        raise DomainError("Hãy chọn giữ tư cách thành viên hộ của một trong hai người.", field="stay")
    if choice.other not in (END_MEMBERSHIP, MOVE_MEMBERS):
        raise DomainError("Hãy chọn cách xử lý tư cách thành viên hộ còn lại.", field="other")
    today = timezone.localdate()
    left = choice.left_date or today
    if left > today:
        raise DomainError("Ngày rời hộ không được sau hôm nay.", field="left_date")
    return left


def _resolve_memberships(conflict: MembershipConflict, choice: MembershipChoice | None, *, actor: User,
                         reason: str) -> tuple[list[dict], Household]:
    """End (or move) so that only one current membership remains among the two people; the ops for undo."""
    left = _checked_choice(conflict, choice)
    stay, gone = conflict.side(choice.stay_with), conflict.other_side(choice.stay_with)
    require_decider(actor, stay.household.commune_id, gone.household.commune_id)
    if conflict.same_household:
        ops = [_end_membership(gone.membership, left, f"Trùng với thành viên #{stay.person.pk} (gộp trùng lặp)",
                               actor=actor, reason=reason)]
        if gone.is_head and stay.membership.relationship != Relationship.HEAD:
            ops.append(_apply(stay.membership, {"relationship": Relationship.HEAD}, actor=actor, reason=reason))
        return ops, stay.household
    if choice.other == MOVE_MEMBERS:
        return _move_members(stay, gone, left, actor=actor, reason=reason), stay.household
    source = gone.household
    ops = [_end_membership(gone.membership, left, f"Gộp trùng lặp: ở hộ {stay.household.code}", actor=actor,
                           reason=reason)]
    if gone.is_head and not gone.others:
        ops.append(_apply(source, {"head": None}, actor=actor, reason=reason))
    elif gone.is_head:
        heir = next((p for p in gone.others if p.pk == choice.new_head), None)
        if heir is None:
            raise DomainError(f"{gone.person.full_name} là chủ hộ {source.code}: hãy chọn chủ hộ mới trong các "
                              "thành viên còn lại của hộ, hoặc chuyển các thành viên sang hộ giữ lại.",
                              field="new_head")
        if heir.death_date:
            raise DomainError("Không thể chọn người đã mất làm chủ hộ.", field="new_head")
        membership = Membership.objects.select_for_update().get(household=source, person=heir,
                                                                left_date__isnull=True)
        ops.append(_apply(membership, {"relationship": Relationship.HEAD}, actor=actor, reason=reason))
        ops.append(_apply(source, {"head": heir.pk}, actor=actor, reason=reason))
    return ops, stay.household


def _move_members(stay, gone, left: dt.date, *, actor: User, reason: str) -> list[dict]:
    """The other household's current members join the remaining household; it keeps no member, no head."""
    target, source = stay.household, gone.household
    why = f"Chuyển sang hộ {target.code} (gộp trùng lặp)"
    ops = []
    for other in gone.others:
        person = Person.objects.select_for_update().get(pk=other.pk)
        old = Membership.objects.select_for_update().select_related("household", "person").get(
            household=source, person=person, left_date__isnull=True)
        ops.append(_end_membership(old, left, why, actor=actor, reason=reason))
        new = Membership(household=target, person=person, joined_date=left,
                         relationship=Relationship.OTHER if old.relationship == Relationship.HEAD
                         else old.relationship)
        _save(new, actor=actor, reason=reason)
        ops.append({"op": "create", "model": "registry.membership", "pk": new.pk,
                    "check": {"person": person.pk, "household": target.pk, "left_date": None}})
        ops.append(_apply(person, {"household": target.pk, "commune": target.commune_id}, actor=actor,
                          reason=reason))
    ops.append(_end_membership(gone.membership, left, why, actor=actor, reason=reason))
    if source.head_id is not None:
        ops.append(_apply(source, {"head": None}, actor=actor, reason=reason))
    return ops


def _undo_ops(ops: list[dict], *, actor: User, reason: str) -> list[str]:
    """Reverse the household ops (last first); the rows changed since, which block the undo."""
    changed = []
    for op in reversed(ops):
        model = apps.get_model(op["model"])
        obj = model._default_manager.select_for_update().filter(pk=op["pk"]).first()
        label = f"{model._meta.verbose_name} #{op['pk']}"
        if obj is None:
            changed.append(label)
            continue
        if op["op"] == "create":
            now = {name: _json(getattr(obj, obj._meta.get_field(name).attname)) for name in op["check"]}
            if now != op["check"]:
                changed.append(label)
                continue
            obj._history_user, obj._change_reason = actor, reason
            obj.delete()
            continue
        values = {}
        for name, (old, new) in op["fields"].items():
            field = obj._meta.get_field(name)
            if _json(getattr(obj, field.attname)) != new:
                changed.append(label)
                break
            values[name] = field.to_python(old) if old is not None else None
        else:
            _apply(obj, values, actor=actor, reason=reason)
    return changed


def _merge(*, actor: User, kept: Person, merged: Person, pair: CandidatePair | None,
           automatic: bool = False, memberships: MembershipChoice | None = None) -> PersonMerge:
    if kept.pk == merged.pk:
        raise DomainError("Hãy chọn hai người khác nhau.")
    _require_pair_in_area(actor, kept.commune_id, merged.commune_id)
    if pair is not None:
        pair = CandidatePair.objects.select_for_update().get(pk=pair.pk)
        if pair.status != PairStatus.PENDING:
            raise ConcurrentChange(f"Cặp này đã được quyết định ({pair.get_status_display().lower()}); "
                                   "hãy tải lại trang.")
        if {kept.pk, merged.pk} != {pair.person_low_id, pair.person_high_id}:
            raise DomainError("Người được chọn giữ lại không thuộc cặp này.")
    persons = _lock_persons(kept.pk, merged.pk)
    kept, merged = persons[kept.pk], persons[merged.pk]
    already = PersonMerge.objects.filter(merged_id__in=[kept.pk, merged.pk], undone_at__isnull=True).first()
    if already is not None:
        raise ConcurrentChange(f"Nhân khẩu #{already.merged_id} đã được gộp vào #{already.kept_id}; hãy tải lại trang.")
    fill, clear = _identity_plan(kept, merged)
    clear["merged_into"] = kept.pk  # the registry leaves the merged record out of searches and lists
    kept_values = dict(fill)
    reason = f"{REASON}: #{merged.pk} → #{kept.pk}"
    household_ops: list[dict] = []
    list(Household.objects.select_for_update().filter(
        pk__in=Membership.objects.filter(person_id__in=[kept.pk, merged.pk], left_date__isnull=True)
        .values("household_id")).order_by("pk"))
    conflict = membership_conflict(kept, merged)
    if conflict is not None:
        household_ops, household = _resolve_memberships(conflict, memberships, actor=actor, reason=reason)
        if household.pk != kept.household_id:
            kept_values.update(household=household.pk, commune=household.commune_id)
        if merged.household_id:
            clear["household"] = None
    elif merged.household_id and not kept.household_id:
        kept_values.update(household=merged.household_id, commune=merged.commune_id)
        clear["household"] = None
    moved = _move_rows(kept=kept, merged=merged, actor=actor)
    person_fields = {
        "merged": _set_person_fields(merged, clear, actor=actor, reason=reason),
        "kept": _set_person_fields(kept, kept_values, actor=actor, reason=reason),
    }
    superseded = list(CandidatePair.objects.filter(status=PairStatus.PENDING).filter(
        models.Q(person_low=merged) | models.Q(person_high=merged)).exclude(pk=getattr(pair, "pk", None))
        .values_list("pk", flat=True))
    CandidatePair.objects.filter(pk__in=superseded).update(status=PairStatus.SUPERSEDED)
    person_fields["superseded_pairs"] = superseded
    person_fields["households"] = household_ops
    try:
        with transaction.atomic():
            record = PersonMerge.objects.create(kept=kept, merged=merged, pair=pair, automatic=automatic, actor=actor,
                                                moved=moved, person_fields=person_fields)
    except IntegrityError as err:
        raise ConcurrentChange("Người này vừa được gộp ở một thao tác khác; hãy tải lại trang.") from err
    if pair is not None:
        pair.status, pair.decided_by, pair.decided_at = PairStatus.MERGED, actor, timezone.now()
        pair.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(actor=actor, action="person_merge", obj=kept,
                 summary=f"Gộp {merged.full_name} (#{merged.pk}) vào {kept.full_name} (#{kept.pk})"
                         f"{' (tự động)' if automatic else ''}: chuyển {len(moved)} bản ghi liên quan",
                 details={"merge_id": record.pk, "merged_id": merged.pk, "moved": len(moved)})
    return record


@transaction.atomic(durable=True)
def persons_merge(*, actor: User, kept: Person, merged: Person, pair: CandidatePair | None = None,
                  memberships: MembershipChoice | None = None) -> PersonMerge:
    """``merged`` is the same person as ``kept``: move everything to ``kept`` (one transaction, one audit row).
    When both hold a current household membership, ``memberships`` says which remains (else a DomainError
    naming the two households)."""
    return _merge(actor=actor, kept=kept, merged=merged, pair=pair, memberships=memberships)


@transaction.atomic(durable=True)
def person_merge_undo(*, actor: User, merge: PersonMerge) -> PersonMerge:
    """Put back everything the merge moved; the pair returns to the review queue."""
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise ConcurrentChange("Lần gộp này đã được hoàn tác; hãy tải lại trang.")
    persons = _lock_persons(merge.kept_id, merge.merged_id)
    kept, merged = persons[merge.kept_id], persons[merge.merged_id]
    _require_pair_in_area(actor, kept.commune_id, merged.commune_id)
    reason = f"{UNDO_REASON}: #{merged.pk} ← #{kept.pk}"
    changed = []
    for entry in reversed(merge.moved):
        model = apps.get_model(entry["model"])
        attname = model._meta.get_field(entry["field"]).attname
        current = model._default_manager.filter(pk=entry["pk"]).values_list(attname, flat=True).first()
        if current != kept.pk:
            changed.append(f"{model._meta.verbose_name} #{entry['pk']}")
            continue
        _point(model, entry["pk"], entry["field"], entry["old"], actor=actor, reason=reason)
    if changed:
        raise ConcurrentChange("Không hoàn tác được vì các bản ghi sau đã thay đổi sau khi gộp: "
                               + ", ".join(changed) + ".")
    fields = merge.person_fields
    _restore(kept, fields.get("kept", {}), actor=actor, reason=reason)
    _restore(merged, fields.get("merged", {}), actor=actor, reason=reason)
    changed = _undo_ops(fields.get("households", []), actor=actor, reason=reason)
    if changed:
        raise ConcurrentChange("Không hoàn tác được vì các bản ghi hộ sau đã thay đổi sau khi gộp: "
                               + ", ".join(changed) + ".")
    CandidatePair.objects.filter(pk__in=fields.get("superseded_pairs", []),
                                 status=PairStatus.SUPERSEDED).update(status=PairStatus.PENDING)
    if merge.pair_id:
        CandidatePair.objects.filter(pk=merge.pair_id).update(status=PairStatus.PENDING, decided_by=None,
                                                              decided_at=None)
    merge.undone_at, merge.undone_by = timezone.now(), actor
    merge.save(update_fields=["undone_at", "undone_by"])
    audit_record(actor=actor, action="person_merge_undo", obj=kept,
                 summary=f"Hoàn tác gộp {merged.full_name} (#{merged.pk}) khỏi {kept.full_name} (#{kept.pk})",
                 details={"merge_id": merge.pk})
    return merge


def _restore(person: Person, changes: dict, *, actor: User, reason: str) -> None:
    values = {}
    for name, (old, new) in changes.items():
        current = getattr(person, Person._meta.get_field(name).attname)
        if current != new:
            raise ConcurrentChange(f"{Person._meta.get_field(name).verbose_name} của {person.full_name} "
                                   "đã thay đổi sau khi gộp; không hoàn tác được.")
        values[name] = old
    _set_person_fields(person, values, actor=actor, reason=reason)


# -- "different people" ------------------------------------------------------------------------

@transaction.atomic(durable=True)
def pair_mark_different(*, actor: User, pair: CandidatePair) -> NonMatch:
    """Remember that the two are different people: no later run proposes them again."""
    pair = CandidatePair.objects.select_for_update().select_related("person_low", "person_high").get(pk=pair.pk)
    _require_pair_in_area(actor, pair.person_low.commune_id, pair.person_high.commune_id)
    if pair.status != PairStatus.PENDING:
        raise ConcurrentChange(f"Cặp này đã được quyết định ({pair.get_status_display().lower()}); hãy tải lại trang.")
    nonmatch, _ = NonMatch.objects.get_or_create(person_low_id=pair.person_low_id, person_high_id=pair.person_high_id,
                                                 defaults={"decided_by": actor})
    now = timezone.now()
    CandidatePair.objects.filter(person_low_id=pair.person_low_id, person_high_id=pair.person_high_id,
                                 status=PairStatus.PENDING).update(status=PairStatus.DIFFERENT, decided_by=actor,
                                                                   decided_at=now)
    audit_record(actor=actor, action="pair_mark_different", obj=pair,
                 summary=f"{pair.person_low.full_name} (#{pair.person_low_id}) và {pair.person_high.full_name} "
                         f"(#{pair.person_high_id}) là hai người khác nhau")
    return nonmatch


# -- the matching run over the registry -----------------------------------------------------------

@transaction.atomic(durable=True)
def match_run_start(*, actor: User) -> MatchRun:
    """Record a matching run over the whole registry; ``match_run_execute`` runs it (the worker or the command)."""
    require_matching_admin(actor)
    if MatchRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).exists():
        raise DomainError("Đang có một lần chạy ghép trùng chưa xong.")
    current = MatchingSettings.objects.get_or_create(pk=1)[0]
    run = MatchRun.objects.create(created_by=actor, review_threshold=current.review_threshold,
                                  auto_merge_threshold=current.auto_merge_threshold,
                                  auto_merge_enabled=current.auto_merge_enabled, stage="Chờ máy chủ chạy")
    audit_record(actor=actor, action="match_run_start", obj=run, summary=f"Bắt đầu ghép trùng toàn tỉnh (#{run.pk})")
    return run  # the caller runs it (the command) or queues it for the worker (the page)


def _progress(run: MatchRun, percent: int, stage: str, **fields) -> None:
    for name, value in fields.items():
        setattr(run, name, value)
    run.progress, run.stage = percent, stage
    run.save(update_fields=["progress", "stage", *fields])


def match_run_execute(*, run_id: int, model=None, u_max_pairs: float = 1e7) -> MatchRun:
    """Train (unless ``model`` is given), predict over the registry, store the candidate pairs,
    and auto-merge when the province enabled it. Progress is saved as it goes."""
    from ansinh.matching.model import MatchingError

    run = MatchRun.objects.get(pk=run_id)
    started = time.perf_counter()
    _progress(run, 1, "Đọc cơ sở dữ liệu", status=RunStatus.RUNNING, started_at=timezone.now())
    try:
        _execute(run, model=model, u_max_pairs=u_max_pairs)
    except (MatchingError, DomainError) as err:
        _progress(run, run.progress, "Dừng", status=RunStatus.FAILED, message=str(err), finished_at=timezone.now())
        return run
    except Exception as err:  # the job records its failure for the user, then re-raises for the worker log
        _progress(run, run.progress, "Lỗi", status=RunStatus.FAILED, message=f"Lỗi khi chạy: {err}",
                  finished_at=timezone.now())
        raise
    _progress(run, 100, "Hoàn thành", status=RunStatus.FINISHED, finished_at=timezone.now(),
              seconds=time.perf_counter() - started)
    return run


def _execute(run: MatchRun, *, model, u_max_pairs: float) -> None:
    from ansinh.matching import model as mm
    from ansinh.matching.normalize import prepare_records
    from ansinh.matching.registry_frame import registry_frame

    frame = registry_frame()
    _progress(run, 10, "Chuẩn hoá họ tên, ngày sinh, số giấy tờ", records=frame.height)
    if frame.height < 2:
        raise DomainError("Cơ sở dữ liệu chưa có đủ nhân khẩu để ghép.")
    records = prepare_records(frame.drop("commune_name", "commune_id"))
    model, source = _run_model(run, records, model=model, u_max_pairs=u_max_pairs)
    model = mm.MatchModel(settings=model.settings, tf_tables=model.tf_tables, source=model.source,
                          thresholds=mm.Thresholds(auto_merge=run.auto_merge_threshold, review=run.review_threshold))
    run.model = model.as_dict()
    _progress(run, 45, "So sánh các cặp nghi trùng", model=run.model, model_source=source)

    def predicted(done: int, chunks: int) -> None:
        _progress(run, 45 + 30 * done // chunks, f"So sánh các cặp nghi trùng: phần {done}/{chunks}")

    prediction = mm.predict(records, model, cluster=False, threshold=run.review_threshold, progress=predicted)
    pairs = _pair_frame(prediction.pairs, model, records)
    _progress(run, 76, "Ghi các cặp nghi trùng")
    total, queued, known = _store_pairs(run, pairs)
    auto = run.pairs.filter(band=Band.AUTO).count()
    _progress(run, 90, "Tự động gộp" if run.auto_merge_enabled else "Xong phần so sánh", pairs_known=known,
              pairs_queued=queued, pairs_total=total, pairs_auto=auto, pairs_review=total - auto)
    if run.auto_merge_enabled and auto:
        import polars as pl

        compatible = pairs.filter(pl.col("identity_ok") & (pl.col("band") == Band.AUTO.value))
        _progress(run, 95, "Tự động gộp", auto_merged=_auto_merge(
            run, set(zip(compatible["person_low_id"].to_list(), compatible["person_high_id"].to_list(), strict=True))))


def _run_model(run: MatchRun, records, *, model, u_max_pairs: float):
    """(model, what the run page says about it): the given model; else, on a registry large enough, the shipped
    model re-estimated on the registry itself (``model.learn``); else the model in use (latest run or shipped);
    else one trained from scratch."""
    from ansinh.matching import files
    from ansinh.matching import model as mm
    from ansinh.matching.selectors import matching_model

    if model is not None:
        return model, "Mô hình được chỉ định khi chạy"
    u_pairs = min(u_max_pairs, records.height * (records.height - 1) / 2)
    if records.height >= mm.LEARN_MIN_RECORDS and Path(files.DEFAULT_MODEL).exists():
        _progress(run, 20, "Học mô hình từ dữ liệu của tỉnh (bắt đầu từ mô hình có sẵn)")
        learnt = mm.learn(records, files.load_model(), u_max_pairs=u_pairs)
        return learnt, mm.SOURCE_LABELS[learnt.source]
    in_use = matching_model()
    if in_use is not None:
        return in_use, (f"Mô hình đang dùng, không học lại: {records.height:,} nhân khẩu, dưới ngưỡng "
                        f"{mm.LEARN_MIN_RECORDS:,} để học từ dữ liệu").replace(",", ".")
    if records.height < MIN_TRAIN_RECORDS:
        raise DomainError(f"Chưa có mô hình ghép trùng và cơ sở dữ liệu mới có {records.height} nhân khẩu: cần ít "
                          f"nhất {MIN_TRAIN_RECORDS} để ước lượng mô hình trên dữ liệu của tỉnh.")
    _progress(run, 20, "Ước lượng mô hình trên dữ liệu của tỉnh")
    return registry_model_train(records, u_max_pairs=u_pairs), "Ước lượng mới trên dữ liệu của tỉnh"


def registry_model_train(records, *, u_max_pairs: float = 1e7):
    """Train on the registry itself: the core picks EM sessions that work when every pid is unique."""
    from ansinh.matching import model as mm

    return mm.train(records, u_max_pairs=u_max_pairs)


def _json_text(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def _pair_frame(pairs, model, records):
    """Scored pairs → one row per pair, built set-based (no Python loop per pair): person_low_id,
    person_high_id, probability, match_weight, band, evidence (JSON text: per field label its weight, whether it
    agreed and the levels the pair fell in) and identity_ok (a number present and none in conflict)."""
    import polars as pl

    from ansinh.matching.evidence import FIELD_LABELS, field_weights
    from ansinh.matching.model import AUTO_MERGE

    columns = ["person_low_id", "person_high_id", "probability", "match_weight", "band", "evidence", "identity_ok"]
    if pairs.is_empty():
        return pl.DataFrame(schema=dict.fromkeys(columns, pl.String)).cast(
            {"person_low_id": pl.Int64, "person_high_id": pl.Int64, "probability": pl.Float64,
             "match_weight": pl.Float64, "identity_ok": pl.Boolean})
    levels = {c["output_column_name"]: (c.get("comparison_description", ""),
                                         [lv.get("label_for_charts") or f"mức {i}" for i, lv in
                                          enumerate(c["comparison_levels"])])
              for c in model.settings["comparisons"]}
    weighted = field_weights(pairs)
    labels = [lab for lab in dict.fromkeys(FIELD_LABELS.values()) if lab in weighted.columns]
    ids = records.select("unique_id", "pid", "cmnd")
    weighted = (weighted.join(ids.rename({"unique_id": "unique_id_l", "pid": "_pid_l", "cmnd": "_cmnd_l"}),
                              on="unique_id_l", how="left")
                .join(ids.rename({"unique_id": "unique_id_r", "pid": "_pid_r", "cmnd": "_cmnd_r"}),
                      on="unique_id_r", how="left"))

    def detail(comp: str) -> pl.Expr:
        """The JSON string «<comparison>: <level>» of the level the pair fell in (null level: none)."""
        description, names = levels[comp]
        mapping = {len(names) - 1 - i: _json_text(f"{description}: {name}") for i, name in enumerate(names)}
        return pl.col(f"gamma_{comp}").replace_strict(mapping, default=None, return_dtype=pl.String)

    parts = []
    for label in labels:
        comps = [c for c, lab in FIELD_LABELS.items() if lab == label and c in levels and f"gamma_{c}" in weighted.columns]
        weight = pl.col(label).clip(-999, 999).round(2)
        details = (pl.concat_list([detail(c) for c in comps]).list.drop_nulls().list.join(", ") if comps
                   else pl.lit(""))
        parts.append(pl.concat_str([
            pl.lit(f'{{"label": {_json_text(label)}, "weight": '), weight.cast(pl.String),
            pl.lit(', "agreed": '), pl.when(pl.col(label) > 0).then(pl.lit("true")).otherwise(pl.lit("false")),
            pl.lit(', "levels": ['), details, pl.lit("]}")]))
    evidence = pl.concat_str([pl.lit("["), pl.concat_str(parts, separator=", "), pl.lit("]")])
    conflict = pl.any_horizontal([pl.col(f"_{k}_l").is_not_null() & pl.col(f"_{k}_r").is_not_null()
                                  & (pl.col(f"_{k}_l") != pl.col(f"_{k}_r")) for k in ("pid", "cmnd")])
    has_number = pl.any_horizontal([pl.col(f"_{k}_{side}").is_not_null() for k in ("pid", "cmnd") for side in "lr"])
    number_weight = pl.col("Số định danh").fill_null(0) if "Số định danh" in weighted.columns else pl.lit(0.0)
    low, high = pl.col("unique_id_l").cast(pl.Int64), pl.col("unique_id_r").cast(pl.Int64)
    return weighted.select(
        pl.min_horizontal(low, high).alias("person_low_id"), pl.max_horizontal(low, high).alias("person_high_id"),
        pl.col("match_probability").clip(0.0, 1.0).alias("probability"),
        pl.col("match_weight").cast(pl.Float64),
        pl.when(pl.col(AUTO_MERGE) if AUTO_MERGE in weighted.columns
                else pl.col("match_probability") >= model.thresholds.auto_merge).then(pl.lit(Band.AUTO.value))
        .otherwise(pl.lit(Band.REVIEW.value)).alias("band"),
        evidence.alias("evidence"),
        ((number_weight >= 0) & ~conflict.fill_null(False) & has_number).alias("identity_ok"),
    )


def _pair_keys(sql: str, *params, with_id: bool = False):
    """(id,) person_low_id, person_high_id of a query over pairs (NonMatch or pending CandidatePair)."""
    import polars as pl

    from ansinh.core.bulk import read_frame

    schema = {**({"id": pl.Int64} if with_id else {}), "person_low_id": pl.Int64, "person_high_id": pl.Int64}
    frame = read_frame(*compose(sql, *params, candidate=table(CandidatePair), nonmatch=table(NonMatch)),
                       schema=schema)
    return frame if frame.width else pl.DataFrame(schema=schema)


_REFOUND = "matching_refound_pair"  # a temporary table: the new scores of pairs already in the queue


def _store_pairs(run: MatchRun, frame, *, chunk: int = 10_000) -> tuple[int, int, int]:
    """Store the run's pairs set-based (COPY on PostgreSQL through ``core.bulk``): pairs decided «different
    people» are dropped; a pair already waiting in the queue keeps its row (one pending row per pair, a database
    constraint) and takes this run's scores, in one UPDATE from a temporary table; pending pairs this run no
    longer finds are superseded; only new pairs are inserted.
    Returns (pairs of this run, of which already in the queue, pairs known as different)."""
    import polars as pl

    from ansinh.core.bulk import write_frame

    keys = ["person_low_id", "person_high_id"]
    known = _pair_keys("SELECT person_low_id, person_high_id FROM {nonmatch}")
    fresh = frame.join(known, on=keys, how="anti")
    pending = _pair_keys("SELECT id, person_low_id, person_high_id FROM {candidate} WHERE status = %s",
                         PairStatus.PENDING.value, with_id=True)
    refound = pending.join(fresh, on=keys, how="inner")
    new = fresh.join(pending, on=keys, how="anti")
    gone = pending.join(fresh, on=keys, how="anti")["id"].to_list()
    scores = ["probability", "match_weight", "evidence", "band"]
    with transaction.atomic():
        for offset in range(0, len(gone), chunk):
            CandidatePair.objects.filter(pk__in=gone[offset:offset + chunk], status=PairStatus.PENDING).update(
                status=PairStatus.SUPERSEDED)
        if refound.height:
            _update_refound(run, refound.select("id", *scores))
        write_frame(CandidatePair._meta.db_table, new.select(
            pl.lit(run.pk, dtype=pl.Int64).alias("run_id"), *keys, *scores,
            pl.lit(PairStatus.PENDING.value).alias("status")))
    return fresh.height, refound.height, frame.height - fresh.height


def _update_refound(run: MatchRun, rows) -> None:
    from django.db import connection

    from ansinh.core.bulk import write_frame
    from ansinh.core.sql import Sql, identifier

    temp, target = identifier(_REFOUND), table(CandidatePair)
    evidence = Sql("u.evidence::jsonb" if connection.vendor == "postgresql" else "u.evidence")
    with connection.cursor() as cursor:
        cursor.execute(*compose("DROP TABLE IF EXISTS {temp}", temp=temp))
        cursor.execute(*compose("CREATE TEMPORARY TABLE {temp} (id bigint PRIMARY KEY, probability double precision, "
                                "match_weight double precision, evidence text, band varchar(6))", temp=temp))
        write_frame(_REFOUND, rows)
        cursor.execute(*compose(
            "UPDATE {target} SET run_id = %s, probability = u.probability, match_weight = u.match_weight, "
            "evidence = {evidence}, band = u.band FROM {temp} u WHERE {target}.id = u.id",
            run.pk, target=target, temp=temp, evidence=evidence))
        cursor.execute(*compose("DROP TABLE {temp}", temp=temp))


def _auto_merge(run: MatchRun, compatible: set[tuple[int, int]]) -> int:
    """Merge the pairs above the auto-merge threshold whose identity numbers agree; the others stay
    in the queue. The record kept is the one with more identity numbers (then the older one)."""
    merged = 0
    pairs = (CandidatePair.objects.filter(run=run, band=Band.AUTO, status=PairStatus.PENDING)
             .select_related("person_low", "person_high").order_by("-probability", "id"))
    for pair in pairs:
        if (pair.person_low_id, pair.person_high_id) not in compatible:
            continue
        a, b = pair.person_low, pair.person_high
        score = lambda p: (sum(bool(getattr(p, f)) for f in IDENTITY_FIELDS), -p.pk)  # noqa: E731
        kept, other = (a, b) if score(a) >= score(b) else (b, a)
        try:
            with transaction.atomic():
                _merge(actor=run.created_by, kept=kept, merged=other, pair=pair, automatic=True)
        except DomainError as err:
            logger.info("auto-merge of pair %s left for review: %s", pair.pk, err)
            continue
        merged += 1
    return merged


# -- matching a file ------------------------------------------------------------------------------

def match_file_to(*, in_path: Path | str, out_path: Path | str, against_registry: bool = False, model=None,
                  commune_ids: list[int] | None = None):
    """``ansinh.matching.files.match_file`` with the model in use and, if asked, the registry frame (only the
    communes ``commune_ids`` when given: a user's file is compared with the user's own area)."""
    from ansinh.matching.files import match_file
    from ansinh.matching.model import MatchingError
    from ansinh.matching.registry_frame import registry_frame
    from ansinh.matching.selectors import matching_model

    model = model or matching_model()
    if model is None:
        raise MatchingError("Chưa có mô hình ghép trùng: hãy chạy ghép trùng toàn tỉnh một lần (ansinh match-registry).")
    registry = (registry_frame(commune_ids=commune_ids).drop("commune_code", "commune_id") if against_registry
                else None)
    return match_file(in_path, out_path, registry=registry, model=model)


def duplicate_number_checked(*, actor: User, number: str) -> None:
    """Record that ``actor`` looked up a complete identity number in the duplicate check (masked in the log)."""
    from ansinh.accounts.permissions import mask_identity

    audit_record(actor=actor, action="duplicate_check.number", object_type="registry.person", object_id="",
                 summary=f"Kiểm tra trùng theo số giấy tờ {mask_identity(number)}", details={"length": len(number)})
