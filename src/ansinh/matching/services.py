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
from pathlib import Path

from django.apps import apps
from django.conf import settings as django_settings
from django.db import DatabaseError, IntegrityError, models, transaction
from django.utils import timezone

from ansinh.accounts.models import Role, User
from ansinh.accounts.permissions import require_registry_editor, user_covers_commune
from ansinh.core.audit import audit_record
from ansinh.core.errors import ConcurrentChange, DomainError, PermissionDenied
from ansinh.matching.models import (
    Band,
    CandidatePair,
    FileMatch,
    FileStatus,
    MatchingSettings,
    MatchRun,
    NonMatch,
    PairStatus,
    PersonMerge,
    RunStatus,
)
from ansinh.registry.models import Person

logger = logging.getLogger(__name__)

IDENTITY_FIELDS = {"pid": "số định danh cá nhân", "cmnd": "số CMND", "social_insurance_no": "mã số BHXH"}
REASON = "Gộp trùng lặp"
UNDO_REASON = "Hoàn tác gộp trùng lặp"
MATCHING_ADMINS = frozenset({Role.PROVINCIAL_SPECIALIST, Role.ADMINISTRATOR})


def can_run_matching(user: User) -> bool:
    return user.is_authenticated and user.role in MATCHING_ADMINS


def require_matching_admin(user: User) -> None:
    if not can_run_matching(user):
        raise PermissionDenied("Chỉ chuyên viên Sở hoặc quản trị hệ thống được chạy ghép trùng toàn tỉnh.")


def _require_pair_in_area(actor: User, *commune_ids: int) -> None:
    require_registry_editor(actor)
    if not any(user_covers_commune(actor, c) for c in commune_ids):
        raise PermissionDenied("Cả hai người đều nằm ngoài địa bàn bạn được phân công.")


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


def _merge(*, actor: User, kept: Person, merged: Person, pair: CandidatePair | None,
           automatic: bool = False) -> PersonMerge:
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
    kept_values = dict(fill)
    if merged.household_id and not kept.household_id:
        kept_values.update(household=merged.household_id, commune=merged.commune_id)
        clear["household"] = None
    moved = _move_rows(kept=kept, merged=merged, actor=actor)
    reason = f"{REASON}: #{merged.pk} → #{kept.pk}"
    person_fields = {
        "merged": _set_person_fields(merged, clear, actor=actor, reason=reason),
        "kept": _set_person_fields(kept, kept_values, actor=actor, reason=reason),
    }
    superseded = list(CandidatePair.objects.filter(status=PairStatus.PENDING).filter(
        models.Q(person_low=merged) | models.Q(person_high=merged)).exclude(pk=getattr(pair, "pk", None))
        .values_list("pk", flat=True))
    CandidatePair.objects.filter(pk__in=superseded).update(status=PairStatus.SUPERSEDED)
    person_fields["superseded_pairs"] = superseded
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
def persons_merge(*, actor: User, kept: Person, merged: Person, pair: CandidatePair | None = None) -> PersonMerge:
    """``merged`` is the same person as ``kept``: move everything to ``kept`` (one transaction, one audit row)."""
    return _merge(actor=actor, kept=kept, merged=merged, pair=pair)


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
    """Queue a matching run over the whole registry (the worker runs ``match_run_execute``)."""
    require_matching_admin(actor)
    if MatchRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).exists():
        raise DomainError("Đang có một lần chạy ghép trùng chưa xong.")
    current = MatchingSettings.objects.get_or_create(pk=1)[0]
    run = MatchRun.objects.create(created_by=actor, review_threshold=current.review_threshold,
                                  auto_merge_threshold=current.auto_merge_threshold,
                                  auto_merge_enabled=current.auto_merge_enabled, stage="Chờ máy chủ chạy")
    audit_record(actor=actor, action="match_run_start", obj=run, summary=f"Bắt đầu ghép trùng toàn tỉnh (#{run.pk})")
    from ansinh.matching.tasks import match_run_task

    transaction.on_commit(lambda: match_run_task.enqueue(run.pk))
    return run


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
    from ansinh.matching.selectors import matching_model

    frame = registry_frame()
    _progress(run, 10, "Chuẩn hoá họ tên, ngày sinh, số giấy tờ", records=frame.height)
    if frame.height < 2:
        raise DomainError("Cơ sở dữ liệu chưa có đủ nhân khẩu để ghép.")
    records = prepare_records(frame.drop("commune_name", "commune_id"))
    if model is None:
        model = matching_model()
    if model is None:
        _progress(run, 20, "Ước lượng mô hình trên dữ liệu của tỉnh")
        try:
            model = registry_model_train(records, u_max_pairs=min(u_max_pairs, frame.height * (frame.height - 1) / 2))
        except Exception as err:  # Splink cannot train on too little data
            raise DomainError("Chưa ước lượng được mô hình (dữ liệu quá ít) và chưa có mô hình nào.") from err
    model = mm.MatchModel(settings=model.settings, tf_tables=model.tf_tables,
                          thresholds=mm.Thresholds(auto_merge=run.auto_merge_threshold, review=run.review_threshold))
    run.model = model.as_dict()
    _progress(run, 45, "So sánh các cặp nghi trùng", model=run.model)
    prediction = mm.predict(records, model, cluster=False, threshold=run.review_threshold)
    known = set(NonMatch.objects.values_list("person_low_id", "person_high_id"))
    scored = _scored_pairs(prediction.pairs, model, records)
    pairs = [p for p in scored if (p[0], p[1]) not in known]
    _progress(run, 75, "Ghi các cặp nghi trùng", pairs_known=len(scored) - len(pairs))
    _store_pairs(run, pairs)
    auto = sum(1 for p in pairs if p[4] == Band.AUTO)
    _progress(run, 90, "Tự động gộp" if run.auto_merge_enabled else "Xong phần so sánh",
              pairs_total=len(pairs), pairs_auto=auto, pairs_review=len(pairs) - auto)
    if run.auto_merge_enabled and auto:
        _progress(run, 95, "Tự động gộp", auto_merged=_auto_merge(run, {(p[0], p[1]) for p in pairs if p[6]}))


def registry_model_train(records, *, u_max_pairs: float = 1e7):
    """Train on the registry itself: the core picks EM sessions that work when every pid is unique."""
    from ansinh.matching import model as mm

    return mm.train(records, u_max_pairs=u_max_pairs)


def _scored_pairs(pairs, model, records) -> list[tuple]:
    """Scored pairs → (low id, high id, probability, weight, band, evidence, identity numbers agree)."""
    from ansinh.matching.evidence import FIELD_LABELS, field_weights

    if pairs.is_empty():
        return []
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
    rows = []
    th = model.thresholds
    for row in weighted.iter_rows(named=True):
        evidence = []
        for label in labels:
            detail = []
            for comp, lab in FIELD_LABELS.items():
                gamma = row.get(f"gamma_{comp}")
                if lab != label or gamma is None or gamma < 0 or comp not in levels:
                    continue
                description, names = levels[comp]
                index = len(names) - 1 - gamma if gamma < len(names) else 0
                detail.append(f"{description}: {names[index] if 0 <= index < len(names) else gamma}")
            evidence.append({"label": label, "weight": round(float(row[label]), 2), "agreed": row[label] > 0,
                             "levels": detail})
        lo, hi = _ordered(int(row["unique_id_l"]), int(row["unique_id_r"]))
        conflict = any(row[f"_{k}_l"] and row[f"_{k}_r"] and row[f"_{k}_l"] != row[f"_{k}_r"] for k in ("pid", "cmnd"))
        has_number = any(row[f"_{k}_{s}"] for k in ("pid", "cmnd") for s in "lr")
        identity_ok = float(row.get("Số định danh", 0) or 0) >= 0 and not conflict and has_number
        probability = float(row["match_probability"])
        rows.append((lo, hi, probability, float(row["match_weight"]),
                     Band.AUTO if probability >= th.auto_merge else Band.REVIEW, evidence, identity_ok))
    return rows


def _store_pairs(run: MatchRun, pairs: list[tuple], batch: int = 5000) -> None:
    with transaction.atomic():
        CandidatePair.objects.filter(status=PairStatus.PENDING).exclude(run=run).update(status=PairStatus.SUPERSEDED)
        objs = [CandidatePair(run=run, person_low_id=lo, person_high_id=hi, probability=min(max(p, 0.0), 1.0),
                              match_weight=w, band=band, evidence=ev)
                for lo, hi, p, w, band, ev, _ok in pairs]
        CandidatePair.objects.bulk_create(objs, batch_size=batch, ignore_conflicts=True)


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

def match_file_to(*, in_path: Path | str, out_path: Path | str, against_registry: bool = False, model=None):
    """``ansinh.matching.files.match_file`` with the model in use and, if asked, the registry frame."""
    from ansinh.matching.files import match_file
    from ansinh.matching.model import MatchingError
    from ansinh.matching.registry_frame import registry_frame
    from ansinh.matching.selectors import matching_model

    model = model or matching_model()
    if model is None:
        raise MatchingError("Chưa có mô hình ghép trùng: hãy chạy ghép trùng toàn tỉnh một lần (ansinh match-registry).")
    registry = registry_frame().drop("commune_code", "commune_id") if against_registry else None
    return match_file(in_path, out_path, registry=registry, model=model)


UPLOAD_DIR = "matching"


@transaction.atomic(durable=True)
def file_match_create(*, actor: User, upload, against_registry: bool, output_kind: str) -> FileMatch:
    require_registry_editor(actor)
    if output_kind not in ("xlsx", "csv"):
        raise DomainError("Chỉ xuất được .xlsx hoặc .csv.", field="output_kind")
    folder = Path(django_settings.MEDIA_ROOT) / UPLOAD_DIR / dt.date.today().isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(upload.name).suffix.lower()
    record = FileMatch.objects.create(file_name=upload.name[:255], stored_path="", against_registry=against_registry,
                                      output_kind=output_kind, created_by=actor)
    path = folder / f"{record.pk}{suffix}"
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    record.stored_path = str(path)
    record.save(update_fields=["stored_path"])
    audit_record(actor=actor, action="file_match_create", obj=record, summary=f"Ghép trùng tệp {upload.name}")
    from ansinh.matching.tasks import file_match_task

    transaction.on_commit(lambda: file_match_task.enqueue(record.pk))
    return record


def file_match_execute(*, file_match_id: int) -> FileMatch:
    from ansinh.core.tabular import ImportFileError
    from ansinh.matching.model import MatchingError

    record = FileMatch.objects.get(pk=file_match_id)
    record.status = FileStatus.RUNNING
    record.save(update_fields=["status", "updated_at"])
    out = Path(record.stored_path).with_name(f"{record.pk}_ket_qua.{record.output_kind}")
    try:
        summary = match_file_to(in_path=record.stored_path, out_path=out, against_registry=record.against_registry)
    except (MatchingError, DomainError, ImportFileError) as err:
        record.status, record.message = FileStatus.FAILED, str(err)
        record.save(update_fields=["status", "message", "updated_at"])
        return record
    record.status, record.output_path = FileStatus.FINISHED, str(out)
    record.summary = {k: (round(v, 1) if isinstance(v, float) else v) for k, v in summary.__dict__.items()}
    record.save(update_fields=["status", "output_path", "summary", "updated_at"])
    return record
