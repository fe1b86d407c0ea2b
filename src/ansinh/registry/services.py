"""Writes to the registry. One user action = one transaction = one audit row.

Every service takes the acting user, checks role and area, validates, and
raises DomainError with a Vietnamese message (``field`` names the form field).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from ansinh.accounts.models import User
from ansinh.accounts.permissions import can_see_identity, require_commune_in_area, user_covers_commune
from ansinh.core.audit import audit_record
from ansinh.core.errors import DomainError
from ansinh.core.text import clean_name, fold, name_problem
from ansinh.geo.models import AdminUnit, Structure
from ansinh.registry.models import DatePrecision, Household, Membership, Person, Relationship
from ansinh.registry.permissions import require_registry_editor
from ansinh.registry.selectors import person_identity_holder
from ansinh.registry.validation import check_dates, normalise_identity

IDENTITY_LABELS = {"pid": "Số định danh cá nhân", "cmnd": "Số CMND", "social_insurance_no": "Mã số BHXH"}


@dataclass(frozen=True)
class PersonDetails:
    """What a form says about a person (the keywords of ``household_add_member``, ``person_update`` and the
    ``head`` of ``household_create``)."""

    full_name: str
    sex: str
    birth_date: dt.date
    birth_precision: str = DatePrecision.DAY
    ethnicity_code: str = "01"
    pid: str | None = None
    cmnd: str | None = None
    social_insurance_no: str | None = None
    phone: str = ""


def _save(obj, *, actor: User, reason: str, update_fields: list[str] | None = None) -> None:
    obj._history_user = actor
    obj._change_reason = reason
    obj.save(update_fields=update_fields)


def _check_identity_free(*, user: User, identity: dict, exclude_pk: int | None = None) -> None:
    for field, value in identity.items():
        if not value:
            continue
        holder = person_identity_holder(field=field, value=value, exclude_pk=exclude_pk)
        if holder is None:
            continue
        if can_see_identity(user) and user_covers_commune(user, holder.commune_id):
            who = f"{holder.full_name} (sinh {holder.birth_display}, {holder.commune.name})"
        else:
            who = "một người ngoài địa bàn của bạn"
        raise DomainError(f"{IDENTITY_LABELS[field]} {value} đã được cấp cho {who}.", field=field)


def _person_fields(*, full_name: str, sex: str, birth_date: dt.date, birth_precision: str,
                   death_date: dt.date | None = None) -> dict:
    name = clean_name(full_name)
    if len(fold(name)) < 2:
        raise DomainError("Họ và tên không được để trống.", field="full_name")
    if problem := name_problem(name):
        raise DomainError(problem, field="full_name")
    if sex not in ("M", "F"):
        raise DomainError("Giới tính phải là Nam hoặc Nữ.", field="sex")
    check_dates(birth_date=birth_date, death_date=death_date)
    if birth_precision == DatePrecision.YEAR:
        birth_date = birth_date.replace(month=1, day=1)
    elif birth_precision == DatePrecision.MONTH:
        birth_date = birth_date.replace(day=1)
    return {"full_name": name, "search_key": fold(name), "sex": sex, "birth_date": birth_date,
            "birth_precision": birth_precision}


def household_code_new(commune: AdminUnit) -> str:
    return household_codes_new(commune, 1)[0]


def household_codes_new(commune: AdminUnit, count: int) -> list[str]:
    """``count`` new household codes «HT<commune code><7 random digits>», distinct from each other and from
    every code in the registry (drawn without repetition; the few already taken are drawn again).
    Callers writing many households hold ``advisory_lock("registry.household_codes")``; the unique
    constraint on ``Household.code`` is the last guard."""
    prefix = f"HT{commune.code}"
    codes: set[str] = set()
    while len(codes) < count:
        drawn = {f"{prefix}{secrets.randbelow(10**7):07d}" for _ in range(2 * (count - len(codes)) + 4)} - codes
        candidates = sorted(drawn)
        taken: set[str] = set()
        for start in range(0, len(candidates), 900):  # SQLite's variable limit
            taken |= set(Household.objects.filter(code__in=candidates[start:start + 900]).values_list("code", flat=True))
        codes |= drawn - taken
    return sorted(codes)[:count]


@transaction.atomic(durable=True)
def household_create(*, actor: User, commune: AdminUnit, village: str, address_detail: str = "",
                     is_urban: bool | None = None, head: dict, code: str = "") -> Household:
    """A new household with its head (``head`` holds the person's fields)."""
    require_registry_editor(actor)
    if commune.structure != Structure.CURRENT:
        raise DomainError("Hãy chọn xã/phường theo đơn vị hành chính hiện hành.", field="commune")
    require_commune_in_area(actor, commune.pk)
    code = (code or "").strip().upper() or household_code_new(commune)
    if Household.objects.filter(code=code).exists():
        raise DomainError(f"Mã hộ {code} đã tồn tại.", field="code")
    household = Household(code=code, commune=commune, recorded_commune=commune, village=clean_name(village),
                          address_detail=clean_name(address_detail),
                          is_urban=commune.is_urban if is_urban is None else is_urban)
    _save(household, actor=actor, reason="Đăng ký hộ mới")
    head = dict(head)
    joined_date = head.pop("joined_date", None)
    person = _person_create(actor=actor, household=household, relationship=Relationship.HEAD,
                            details=PersonDetails(**head), joined_date=joined_date)
    household.head = person
    _save(household, actor=actor, reason="Xác định chủ hộ", update_fields=["head", "updated_at"])
    audit_record(actor=actor, action="household_create", obj=household,
                 summary=f"Đăng ký hộ {household.code}, chủ hộ {person.full_name}")
    return household


def _checked_details(details: PersonDetails, *, actor: User, death_date: dt.date | None = None,
                     exclude_pk: int | None = None) -> tuple[dict, dict]:
    """The person's checked fields and identity numbers (numbers free, or held by ``exclude_pk``)."""
    fields = _person_fields(full_name=details.full_name, sex=details.sex, birth_date=details.birth_date,
                            birth_precision=details.birth_precision, death_date=death_date)
    identity = normalise_identity(pid=details.pid, cmnd=details.cmnd, social_insurance_no=details.social_insurance_no,
                                  sex=details.sex, birth_date=fields["birth_date"])
    _check_identity_free(user=actor, identity=identity, exclude_pk=exclude_pk)
    return fields, identity


def _person_create(*, actor: User, household: Household, relationship: str, details: PersonDetails,
                   joined_date: dt.date | None = None) -> Person:
    fields, identity = _checked_details(details, actor=actor)
    twin = Person.objects.filter(household=household, search_key=fields["search_key"],
                                 birth_date=fields["birth_date"], sex=details.sex).first()
    if twin is not None:
        raise DomainError(f"Hộ đã có {twin.full_name} sinh {twin.birth_display}: có thể bạn vừa gửi biểu mẫu hai lần.")
    person = Person(**fields, **identity, ethnicity_code=details.ethnicity_code, phone=(details.phone or "").strip(),
                    commune=household.commune, household=household)
    try:
        with transaction.atomic():
            _save(person, actor=actor, reason="Đăng ký nhân khẩu")
    except IntegrityError as err:  # a concurrent registration took the number first
        raise DomainError("Số giấy tờ vừa được người khác đăng ký; hãy tải lại trang và kiểm tra.") from err
    membership = Membership(household=household, person=person, relationship=relationship,
                            joined_date=joined_date or timezone.localdate())
    _save(membership, actor=actor, reason="Vào hộ")
    return person


@transaction.atomic(durable=True)
def household_add_member(*, actor: User, household: Household, relationship: str, joined_date: dt.date | None = None,
                         **details) -> Person:
    """A new member of ``household``; ``details``: the fields of ``PersonDetails``."""
    person = PersonDetails(**details)
    require_registry_editor(actor)
    require_commune_in_area(actor, household.commune_id)
    if relationship == Relationship.HEAD:
        raise DomainError("Hộ đã có chủ hộ; dùng chức năng «Đổi chủ hộ».", field="relationship")
    created = _person_create(actor=actor, household=household, relationship=relationship, details=person,
                             joined_date=joined_date)
    audit_record(actor=actor, action="household_add_member", obj=household,
                 summary=f"Thêm {created.full_name} vào hộ {household.code}", details={"person_id": created.pk})
    return created


@transaction.atomic(durable=True)
def person_update(*, actor: User, person: Person, **details) -> Person:
    """Correct a person's details; ``details``: every field of ``PersonDetails``."""
    missing = [name for name in PersonDetails.__dataclass_fields__ if name not in details]
    if missing:
        raise TypeError(f"person_update() missing keyword arguments: {', '.join(missing)}")
    changed = PersonDetails(**details)
    require_registry_editor(actor)
    person = Person.objects.select_for_update().get(pk=person.pk)
    require_commune_in_area(actor, person.commune_id)
    fields, identity = _checked_details(changed, actor=actor, death_date=person.death_date, exclude_pk=person.pk)
    for name, value in {**fields, **identity, "ethnicity_code": changed.ethnicity_code,
                        "phone": changed.phone or ""}.items():
        setattr(person, name, value)
    _save(person, actor=actor, reason="Sửa thông tin nhân khẩu")
    audit_record(actor=actor, action="person_update", obj=person, summary=f"Sửa thông tin {person.full_name}")
    return person


@transaction.atomic(durable=True)
def household_remove_member(*, actor: User, membership: Membership, left_date: dt.date, reason: str) -> Membership:
    require_registry_editor(actor)
    membership = Membership.objects.select_for_update().select_related("household", "person").get(pk=membership.pk)
    household = membership.household
    require_commune_in_area(actor, household.commune_id)
    if membership.left_date is not None:
        raise DomainError("Người này đã rời hộ trước đó.")
    if household.head_id == membership.person_id:
        raise DomainError("Không thể xoá chủ hộ khỏi hộ; hãy đổi chủ hộ trước.")
    if membership.joined_date and left_date < membership.joined_date:
        raise DomainError("Ngày rời hộ không được trước ngày vào hộ.", field="left_date")
    if not reason.strip():
        raise DomainError("Hãy ghi lý do rời hộ.", field="reason")
    membership.left_date, membership.left_reason = left_date, reason.strip()
    _save(membership, actor=actor, reason=f"Rời hộ: {reason}")
    person = membership.person
    person.household = None
    _save(person, actor=actor, reason=f"Rời hộ {household.code}", update_fields=["household", "updated_at"])
    audit_record(actor=actor, action="household_remove_member", obj=household,
                 summary=f"{person.full_name} rời hộ {household.code}: {reason}")
    return membership


@transaction.atomic(durable=True)
def household_change_head(*, actor: User, household: Household, new_head: Person) -> Household:
    require_registry_editor(actor)
    household = Household.objects.select_for_update().get(pk=household.pk)
    require_commune_in_area(actor, household.commune_id)
    members = {m.person_id: m for m in household.memberships.filter(left_date__isnull=True)}
    if new_head.pk not in members:
        raise DomainError("Chủ hộ mới phải là thành viên hiện tại của hộ.")
    if new_head.death_date:
        raise DomainError("Không thể chọn người đã mất làm chủ hộ.")
    old_head_id = household.head_id
    if old_head_id == new_head.pk:
        return household
    if old_head_id in members:
        old = members[old_head_id]
        old.relationship = Relationship.OTHER
        _save(old, actor=actor, reason="Thôi làm chủ hộ", update_fields=["relationship"])
    new = members[new_head.pk]
    new.relationship = Relationship.HEAD
    _save(new, actor=actor, reason="Làm chủ hộ", update_fields=["relationship"])
    household.head = new_head
    _save(household, actor=actor, reason="Đổi chủ hộ", update_fields=["head", "updated_at"])
    audit_record(actor=actor, action="household_change_head", obj=household,
                 summary=f"Đổi chủ hộ {household.code} thành {new_head.full_name}")
    return household


@transaction.atomic(durable=True)
def household_move(*, actor: User, household: Household, commune: AdminUnit, village: str,
                   address_detail: str = "") -> Household:
    require_registry_editor(actor)
    household = Household.objects.select_for_update().get(pk=household.pk)
    require_commune_in_area(actor, household.commune_id)
    if commune.structure != Structure.CURRENT:
        raise DomainError("Hãy chọn xã/phường theo đơn vị hành chính hiện hành.", field="commune")
    if commune.pk != household.commune_id and not user_covers_commune(actor, commune.pk):
        raise DomainError("Chuyển hộ ra ngoài địa bàn phải do cán bộ cấp trên thực hiện.", field="commune")
    household.commune, household.village = commune, clean_name(village)
    household.address_detail, household.is_urban = clean_name(address_detail), commune.is_urban
    _save(household, actor=actor, reason="Chuyển địa chỉ")
    Person.objects.filter(household=household).update(commune=commune)
    audit_record(actor=actor, action="household_move", obj=household,
                 summary=f"Chuyển hộ {household.code} đến {village}, {commune.name}")
    return household


@transaction.atomic(durable=True)
def person_record_death(*, actor: User, person: Person, death_date: dt.date) -> Person:
    require_registry_editor(actor)
    person = Person.objects.select_for_update().get(pk=person.pk)
    require_commune_in_area(actor, person.commune_id)
    if person.death_date:
        raise DomainError(f"Đã ghi nhận {person.full_name} mất ngày {person.death_date:%d/%m/%Y}.")
    check_dates(birth_date=person.birth_date, death_date=death_date)
    person.death_date = death_date
    _save(person, actor=actor, reason="Ghi nhận mất", update_fields=["death_date", "updated_at"])
    audit_record(actor=actor, action="person_record_death", obj=person,
                 summary=f"Ghi nhận {person.full_name} mất ngày {death_date:%d/%m/%Y}")
    return person
