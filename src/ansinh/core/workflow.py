"""The shared workflow engine: a transition table per kind of object, one way to perform a step.

An app declares its workflow once (``programmes.permissions.LIST_WORKFLOW``,
``policy.permissions.PARAMETER_WORKFLOW``; later payroll months, poverty reviews, unit reports)::

    class ListStep(models.TextChoices):            # step names: an enum with Vietnamese labels
        SUBMIT = "submit", _("Trình thẩm định")
        APPROVE = "approve", _("Phê duyệt")

    LIST_WORKFLOW = Workflow(
        model=BeneficiaryList, event_model=ListEvent, event_field="beneficiary_list",
        steps=ListStep, statuses=ListStatus, noun="danh sách", audit_prefix="list",
        scope=lambda bl: bl.commune_id, covers=user_covers_commune,
        transitions=[
            Transition(ListStep.SUBMIT, source=[ListStatus.DRAFT], target=ListStatus.SUBMITTED,
                       roles=PREPARERS, stamp="submitted"),
            Transition(ListStep.APPROVE, source=[ListStatus.APPRAISED], target=ListStatus.APPROVED,
                       roles=APPROVERS, not_by=[ListStep.PREPARE, ListStep.SUBMIT, ListStep.APPRAISE],
                       stamp="approved"),
        ])

and a service performs a step inside its own durable transaction::

    @transaction.atomic(durable=True)
    def list_approve(*, actor, beneficiary_list, decision_number, ...):
        return LIST_WORKFLOW.perform(beneficiary_list, ListStep.APPROVE, actor=actor,
                                     update=lambda bl: _set_decision(bl, ...), summary=...)

``perform`` checks the role and the area, locks the row (``select_for_update``), refuses when the object
is not in a source state of the step (saying which state it is in and which the step needs), applies
maker-checker from the object's own event rows (whoever did a ``not_by`` step is refused), applies the
caller's changes, moves the status, stamps ``<stamp>_by`` / ``<stamp>_at``, writes one event row and one
audit row. A transition without ``target`` is an action inside a state (checks, flags): locked and
checked the same way, audited, no event row.

Roles are compared as members of the app's role sets (``user.role in transition.roles``), never as strings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from ansinh.core.audit import audit_record
from ansinh.core.errors import ConcurrentChange, DomainError, PermissionDenied


@dataclass(frozen=True)
class Transition:
    step: str
    source: tuple[str, ...]
    target: str | None = None
    roles: frozenset = frozenset()
    not_by: tuple[str, ...] = ()  # maker-checker: refused to whoever performed one of these steps
    only_by: tuple[str, ...] = ()  # only whoever performed one of these steps (withdrawing one's own proposal)
    stamp: str = ""  # sets "<stamp>_by" and "<stamp>_at" on the object when it has them
    refusal: str = ""  # the maker-checker message; "{did}", "{step}" and "{noun}" are filled in

    def __post_init__(self):
        object.__setattr__(self, "source", tuple(self.source))
        object.__setattr__(self, "not_by", tuple(self.not_by))
        object.__setattr__(self, "only_by", tuple(self.only_by))
        object.__setattr__(self, "roles", frozenset(self.roles))


@dataclass
class Workflow:
    model: type[models.Model]
    event_model: type[models.Model]
    event_field: str
    steps: type[models.TextChoices]
    statuses: type[models.TextChoices]
    transitions: Iterable[Transition]
    noun: str  # "danh sách", "đề xuất", "bảng lương tháng": used in the messages
    audit_prefix: str
    audit_separator: str = "."  # audit action = prefix + separator + step ("list.approve")
    status_field: str = "status"
    scope: Callable[[Any], int | None] | None = None  # the commune an object belongs to (None: province-wide)
    covers: Callable[[Any, int], bool] | None = None  # does the user's area cover that commune
    select_related: tuple[str, ...] = ()
    _table: dict[str, Transition] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self):
        self.transitions = tuple(self.transitions)
        for t in self.transitions:
            if t.step in self._table:
                raise ValueError(f"Step {t.step!r} declared twice")
            self._table[t.step] = t

    # ------------------------------------------------------------ labels

    def step_label(self, step: str) -> str:
        return str(dict(self.steps.choices).get(step, step))

    def status_label(self, status: str) -> str:
        return str(dict(self.statuses.choices).get(status, status))

    def transition(self, step: str) -> Transition:
        try:
            return self._table[step]
        except KeyError:
            raise DomainError(f"Bước «{step}» không có trong quy trình {self.noun}.") from None

    # ------------------------------------------------------------ who may

    def role_allows(self, user, step: str) -> bool:
        return bool(user is not None and user.is_authenticated
                    and getattr(user, "role", None) in self.transition(step).roles)

    def area_allows(self, user, obj) -> bool:
        if obj is None or self.scope is None or self.covers is None:
            return True
        commune_id = self.scope(obj)
        return commune_id is None or self.covers(user, commune_id)

    def can(self, user, step: str, obj=None) -> bool:
        """Role and area (not the object's state): may this user ever do this step here?"""
        return self.role_allows(user, step) and self.area_allows(user, obj)

    def available(self, user, obj) -> dict[str, bool]:
        """Step → whether a button for it makes sense now: state, role, area and maker-checker."""
        status = getattr(obj, self.status_field)
        done = self._steps_done_by(obj, user)
        out = {}
        for t in self.transitions:
            out[t.step] = (status in t.source and self.can(user, t.step, obj)
                           and not (set(t.not_by) & done) and (not t.only_by or bool(set(t.only_by) & done)))
        return out

    def waiting(self, user, queryset: models.QuerySet, step: str) -> models.QuerySet:
        """The objects of ``queryset`` (already scoped to the user's area by the app's selector) on which
        ``user`` may take ``step`` now: in a source state, the role allows it, and maker-checker from the
        objects' own events (whoever did a ``not_by`` step is not asked to check it). The set-based twin of
        ``available``, for the «Việc cần làm» counts."""
        t = self.transition(step)
        if not self.role_allows(user, step) or not t.source:
            return queryset.none()
        qs = queryset.filter(**{f"{self.status_field}__in": list(t.source)})
        events = self.event_model._default_manager.filter(**{self.event_field: models.OuterRef("pk")}, actor=user)
        if t.not_by:
            qs = qs.exclude(models.Exists(events.filter(step__in=list(t.not_by))))
        if t.only_by:
            qs = qs.filter(models.Exists(events.filter(step__in=list(t.only_by))))
        return qs

    def with_since(self, queryset: models.QuerySet) -> models.QuerySet:
        """``queryset`` annotated ``waiting_since``: when each object entered its present state (its last
        event into it; the object's creation when it has no such event)."""
        last = (self.event_model._default_manager
                .filter(**{self.event_field: models.OuterRef("pk"), "to_status": models.OuterRef(self.status_field)})
                .order_by("-at").values("at")[:1])
        since = models.Subquery(last)
        if any(f.name == "created_at" for f in self.model._meta.fields):
            since = Coalesce(since, models.F("created_at"))
        return queryset.annotate(waiting_since=since)

    def require(self, user, step: str, obj=None) -> None:
        if not self.role_allows(user, step):
            role = getattr(user, "get_role_display", lambda: "")()
            raise PermissionDenied(f"Vai trò «{role}» không được {self.step_label(step).lower()} {self.noun} này.")
        if not self.area_allows(user, obj):
            raise PermissionDenied(f"{self.noun.capitalize()} này thuộc xã/phường ngoài địa bàn bạn được phân công.")

    # ------------------------------------------------------------ doing

    def lock(self, obj):
        return (self.model._default_manager.select_for_update().select_related(*self.select_related)
                .get(pk=obj.pk))

    def perform(self, obj, step: str, *, actor, note: str = "", summary: str = "",
                update: Callable[[Any], Iterable[str] | None] | None = None, details: dict | None = None):
        """Perform ``step`` on ``obj`` as ``actor`` (inside the caller's transaction); returns the locked,
        updated object. ``update(locked)`` may change other fields (returns their names) or raise."""
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("Workflow.perform must run inside the service's transaction")
        t = self.transition(step)
        self.require(actor, step, obj)
        locked = self.lock(obj)
        self._require_source(t, seen=getattr(obj, self.status_field), actual=getattr(locked, self.status_field))
        self._require_checker(t, locked, actor)
        fields = list(update(locked) or []) if update else []
        before = getattr(locked, self.status_field)
        if t.target is not None:
            setattr(locked, self.status_field, t.target)
            fields.append(self.status_field)
        if t.stamp:
            fields += self._stamp(locked, t.stamp, actor)
        if fields:
            if hasattr(locked, "updated_at"):
                fields.append("updated_at")
            locked.save(update_fields=sorted(set(fields)))
        if t.target is not None:
            self.record(locked, step, actor=actor, from_status=before, note=note)
        extra = {k: v for k, v in (details or {}).items() if isinstance(v, str | int | float | bool | dict | list)}
        audit_record(actor=actor, action=f"{self.audit_prefix}{self.audit_separator}{step}", obj=locked,
                     summary=summary or f"{self.step_label(step)}: {locked}",
                     details={"from": before, "to": getattr(locked, self.status_field), "note": note[:500], **extra})
        return locked

    def record(self, obj, step: str, *, actor, from_status: str = "", note: str = ""):
        """The event row of a step (also used when an object is created: its first step)."""
        return self.event_model._default_manager.create(
            **{self.event_field: obj}, step=step, from_status=from_status,
            to_status=getattr(obj, self.status_field), actor=actor, note=note)

    def events(self, obj) -> models.QuerySet:
        return self.event_model._default_manager.filter(**{self.event_field: obj}).select_related("actor")

    # ------------------------------------------------------------ refusals

    def _require_source(self, t: Transition, *, seen: str, actual: str) -> None:
        if actual in t.source:
            return
        needed = " hoặc ".join(f"«{self.status_label(s)}»" for s in t.source)
        message = (f"Bước «{self.step_label(t.step)}» chỉ thực hiện được khi {self.noun} ở trạng thái {needed}; "
                   f"{self.noun} đang ở trạng thái «{self.status_label(actual)}».")
        if t.target is not None and actual == t.target:
            message += f" Bước «{self.step_label(t.step)}» đã được xử lý trước đó."
        if seen != actual:
            raise ConcurrentChange(message + f" (Trang bạn xem ghi «{self.status_label(seen)}»: {self.noun} đã được "
                                             "xử lý trước đó, có thể bởi người khác; hãy tải lại trang.)")
        raise DomainError(message)

    def _steps_done_by(self, obj, user) -> set[str]:
        if user is None or not getattr(user, "pk", None) or obj is None or obj.pk is None:
            return set()
        return set(self.event_model._default_manager.filter(**{self.event_field: obj}, actor=user)
                   .values_list("step", flat=True))

    def _require_checker(self, t: Transition, locked, actor) -> None:
        if not (t.not_by or t.only_by):
            return
        done = self._steps_done_by(locked, actor)
        clash = [s for s in t.not_by if s in done]
        step = self.step_label(t.step).lower()
        if clash:
            did = ", ".join(self.step_label(s).lower() for s in clash)
            template = t.refusal or ("Bạn đã {did} {noun} này nên không được {step} (nguyên tắc người lập – người duyệt: "
                                     "cần một người khác).")
            raise PermissionDenied(template.format(did=did, step=step, noun=self.noun))
        if t.only_by and not (set(t.only_by) & done):
            did = self.step_label(t.only_by[0]).lower()
            template = t.refusal or "Chỉ người đã {did} mới được {step} {noun} này."
            raise PermissionDenied(template.format(did=did, step=step, noun=self.noun))

    @staticmethod
    def _stamp(obj, stamp: str, actor) -> list[str]:
        fields = []
        if hasattr(obj, f"{stamp}_by_id"):
            setattr(obj, f"{stamp}_by", actor)
            fields.append(f"{stamp}_by")
        if hasattr(obj, f"{stamp}_at"):
            setattr(obj, f"{stamp}_at", timezone.now())
            fields.append(f"{stamp}_at")
        return fields
