"""Reads of the registry, always scoped to the user's area."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import CharField, Count, F, Func, Q, QuerySet, Value
from django.http import Http404
from django.utils import timezone

from ansinh.accounts.models import User
from ansinh.accounts.permissions import scope_to_area
from ansinh.core.identity import digits_only
from ansinh.core.text import fold
from ansinh.registry.models import DatePrecision, Household, Membership, Person, RegistryImport
from ansinh.registry.permissions import can_import, can_read_registry

AGE_BANDS = {
    "0-5": (0, 5), "6-15": (6, 15), "16-59": (16, 59), "60-79": (60, 79), "80+": (80, 200),
}
# The home page's age pyramid: ten-year bands (the last open), youngest first.
PYRAMID_BANDS = {f"{low}–{low + 9}": (low, low + 9) for low in range(0, 80, 10)} | {"80+": (80, 200)}
STATUSES = {
    "alive": Q(death_date__isnull=True),
    "dead": Q(death_date__isnull=False),
    "no_id": Q(pid__isnull=True, cmnd__isnull=True),
    "cmnd_only": Q(pid__isnull=True, cmnd__isnull=False),
    "year_only": Q(birth_precision=DatePrecision.YEAR),
}


def _readable(qs: QuerySet, user: User) -> QuerySet:
    if not can_read_registry(user):
        return qs.none()
    return scope_to_area(qs, user)


def persons_for_user(*, user: User, query: str = "", commune_id: int | None = None, sex: str = "",
                     age_band: str = "", status: str = "", today: dt.date | None = None) -> QuerySet[Person]:
    qs = _readable(Person.objects.filter(merged_into__isnull=True), user)  # a merged person is found as the kept one
    query = (query or "").strip()
    if query:
        digits = digits_only(query)
        if digits and len(digits) >= 6 and len(digits) == len(query.replace(" ", "")):
            qs = qs.filter(_identity_condition(digits))
        elif _looks_like_household_code(query):
            qs = qs.filter(household__code=query.strip().upper())  # codes are stored upper-case
        else:
            qs = _name_search(qs, fold(query))
    if commune_id:
        qs = qs.filter(commune_id=commune_id)
    if sex:
        qs = qs.filter(sex=sex)
    if age_band in AGE_BANDS:
        low, high = AGE_BANDS[age_band]
        today = today or timezone.localdate()
        qs = qs.filter(birth_date__lte=_years_before(today, low),
                       birth_date__gt=_years_before(today, high + 1))
    if status in STATUSES:
        qs = qs.filter(STATUSES[status])
    return qs.select_related("commune", "household").order_by("search_key", "id")


NAME_MATCH_CAP = 2000
# The folded given name, as indexed by migration registry.0005 (PostgreSQL).
GIVEN_KEY = Func(F("search_key"), Value(" "), Value(-1), function="split_part", output_field=CharField())


def _identity_condition(digits: str) -> Q:
    """A whole number is looked up exactly; a shorter one as the start of a 12-digit or 9-digit number.
    Every branch has its own index, so PostgreSQL combines them (BitmapOr)."""
    if len(digits) == 12:
        return Q(pid=digits)
    condition = Q(pid__startswith=digits)
    if len(digits) == 9:
        return condition | Q(cmnd=digits)
    if len(digits) == 10:
        return condition | Q(social_insurance_no=digits)
    return condition | Q(cmnd__startswith=digits) if len(digits) < 9 else condition


def _given_name_is(qs: QuerySet[Person], word: str) -> QuerySet[Person]:
    if connection.vendor == "postgresql":
        return qs.annotate(given_key=GIVEN_KEY).filter(given_key=word)  # the given-name index
    return qs.filter(Q(search_key=word) | Q(search_key__endswith=f" {word}"))


def _name_search(qs: QuerySet[Person], key: str) -> QuerySet[Person]:
    """Names without diacritics, as officers type them, each case one ordered index scan:

    1. two words or more typed from the family name on ("nguyen thi h"): a prefix of the folded name
       (range scan of the (search_key, id) index, already in name order);
    2. otherwise the last word as the given name ("hoa", "thi hoa", "le tung"), the other words
       anywhere in the name (on PostgreSQL through the given-name index, also in name order);
    3. otherwise (a partial given name, a typo) every word anywhere: the first 2.000 matches through
       the trigram index, sorted.
    """
    if not key:
        return qs
    words = key.split()
    if len(words) >= 2:
        prefix = qs.filter(search_key__startswith=key)
        if prefix.exists():
            return prefix
    by_given = _given_name_is(qs, words[-1])
    for word in words[:-1]:
        by_given = by_given.filter(search_key__contains=word)
    if by_given.exists():
        return by_given
    if len(words) == 1:
        prefix = qs.filter(search_key__startswith=key)
        if prefix.exists():
            return prefix
    matches = qs
    for word in words:
        matches = matches.filter(search_key__contains=word)
    return qs.filter(pk__in=matches.values("pk")[:NAME_MATCH_CAP])


def _looks_like_household_code(query: str) -> bool:
    q = query.strip().upper()
    return q.startswith("HT") and any(ch.isdigit() for ch in q) and " " not in q


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def person_get_for_user(*, user: User, pk: int) -> Person:
    try:
        return _readable(Person.objects.select_related("commune", "household"), user).get(pk=pk)
    except Person.DoesNotExist as err:
        raise Http404("Không tìm thấy nhân khẩu trong địa bàn của bạn.") from err


def households_for_user(*, user: User, query: str = "", commune_id: int | None = None) -> QuerySet[Household]:
    qs = _readable(Household.objects.all(), user)
    if query:
        qs = qs.filter(Q(code=query.strip().upper()) | Q(head__search_key__contains=fold(query)))
    if commune_id:
        qs = qs.filter(commune_id=commune_id)
    return qs.select_related("commune", "head").order_by("code")


def household_get_for_user(*, user: User, pk: int) -> Household:
    try:
        return _readable(Household.objects.select_related("commune", "recorded_commune", "head"), user).get(pk=pk)
    except Household.DoesNotExist as err:
        raise Http404("Không tìm thấy hộ trong địa bàn của bạn.") from err


def household_members(*, household: Household, include_past: bool = True) -> QuerySet[Membership]:
    qs = household.memberships.select_related("person")
    if not include_past:
        qs = qs.filter(left_date__isnull=True)
    return qs.order_by("left_date", "joined_date", "person__birth_date", "id")


def person_identity_holder(*, field: str, value: str, exclude_pk: int | None = None) -> Person | None:
    """Whoever already holds this identity number, anywhere (not scoped: uniqueness is province-wide)."""
    qs = Person.objects.filter(**{field: value}).select_related("commune")
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.first()


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    who: str
    what: str
    changes: list[tuple[str, str, str]]  # (field label, old, new)


def record_history(*, obj) -> list[HistoryEntry]:
    """Who changed what on a person or household, newest first, with old → new values."""
    entries: list[HistoryEntry] = []
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[:100])
    for newer, older in zip(records, [*records[1:], None], strict=False):
        who = str(newer.history_user) if newer.history_user else "Hệ thống"
        if older is None:
            what = "Tạo mới" if newer.history_type == "+" else "Sửa (bản trước được nạp hàng loạt, không có lịch sử)"
            entries.append(HistoryEntry(newer.history_date, who, what, []))
            continue
        delta = newer.diff_against(older)
        changes = []
        for change in delta.changes:
            field = obj._meta.get_field(change.field)
            changes.append((str(field.verbose_name), _display(field, change.old), _display(field, change.new)))
        if changes:
            entries.append(HistoryEntry(newer.history_date, who, newer.history_change_reason or "Sửa", changes))
    return entries


def household_history(*, household: Household) -> list[HistoryEntry]:
    """The household's own changes and every change to its memberships (members added, leaving,
    relationship changes), newest first."""
    entries = record_history(obj=household)
    records = list(
        Membership.history.filter(household_id=household.pk).select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    names = dict(Person.objects.filter(pk__in={r.person_id for r in records}).values_list("pk", "full_name"))
    previous: dict[int, object] = {}
    for record in records:
        who = str(record.history_user) if record.history_user else "Hệ thống"
        name = names.get(record.person_id, "?")
        older = previous.get(record.id)
        previous[record.id] = record
        if older is None:
            label = Membership._meta.get_field("relationship")
            entries.append(HistoryEntry(record.history_date, who, f"Thêm thành viên {name}",
                                        [("quan hệ với chủ hộ", "—", _display(label, record.relationship))]))
            continue
        changes = [
            (str(Membership._meta.get_field(c.field).verbose_name),
             _display(Membership._meta.get_field(c.field), c.old), _display(Membership._meta.get_field(c.field), c.new))
            for c in record.diff_against(older).changes
        ]
        if changes:
            entries.append(HistoryEntry(record.history_date, who, f"Thành viên {name}: "
                                        + (record.history_change_reason or "sửa"), changes))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


def _display(field, value) -> str:
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if field.is_relation:
        model = field.related_model
        obj = model.objects.filter(pk=value).first()
        return str(obj) if obj else str(value)
    return str(value)


OVERVIEW_CACHE_SECONDS = 300


def registry_overview(*, user: User, today: dt.date | None = None) -> dict:
    """Counts for the home page: by commune, by sex and age band, and data quality.

    For a province or a former district (hundreds of thousands of people) the figures are kept for
    five minutes per area; the page shows when they were counted.
    """
    from django.core.cache import cache

    if user.area_id is None or user.area.level == "commune" or not can_read_registry(user):
        return {**_overview(user=user, today=today), "counted_at": timezone.now()}
    key = f"registry-overview-{user.area_id}-{(today or timezone.localdate()).isoformat()}"
    overview = cache.get(key)
    if overview is None:
        overview = {**_overview(user=user, today=today), "counted_at": timezone.now()}
        cache.set(key, overview, OVERVIEW_CACHE_SECONDS)
    return overview


def _overview(*, user: User, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    persons = _readable(Person.objects.all(), user).filter(death_date__isnull=True)
    households = _readable(Household.objects.all(), user)
    bands = {
        name: Count("id", filter=Q(birth_date__lte=_years_before(today, low),
                                   birth_date__gt=_years_before(today, high + 1)))
        for name, (low, high) in AGE_BANDS.items()
    }
    pyramid = {
        f"pyr_{i}_{sex}": Count("id", filter=Q(sex=sex, birth_date__lte=_years_before(today, low),
                                               birth_date__gt=_years_before(today, high + 1)))
        for i, (low, high) in enumerate(PYRAMID_BANDS.values()) for sex in ("M", "F")
    }
    totals = persons.aggregate(
        **pyramid,
        total=Count("id"),
        male=Count("id", filter=Q(sex="M")),
        female=Count("id", filter=Q(sex="F")),
        no_id=Count("id", filter=STATUSES["no_id"]),
        cmnd_only=Count("id", filter=STATUSES["cmnd_only"]),
        year_only=Count("id", filter=STATUSES["year_only"]),
        **{f"band_{k.replace('-', '_').replace('+', 'plus')}": v for k, v in bands.items()},
    )
    by_commune_persons = dict(persons.values_list("commune_id").annotate(n=Count("id")).order_by())
    by_commune_households = households.values("commune_id", "commune__name").annotate(n=Count("id")).order_by(
        "commune__name")
    communes = sorted(
        ({"id": row["commune_id"], "name": row["commune__name"], "households": row["n"],
          "persons": by_commune_persons.get(row["commune_id"], 0)} for row in by_commune_households),
        key=lambda c: fold(c["name"]),  # Vietnamese order, whatever the database collation
    )
    return {
        "households": sum(c["households"] for c in communes),
        "totals": totals,
        "age_bands": [(name, totals[f"band_{name.replace('-', '_').replace('+', 'plus')}"]) for name in AGE_BANDS],
        "pyramid": [(name, totals[f"pyr_{i}_M"], totals[f"pyr_{i}_F"]) for i, name in enumerate(PYRAMID_BANDS)],
        "communes": communes,
        "deaths": _readable(Person.objects.all(), user).filter(death_date__isnull=False).count(),
    }


# -- imports -----------------------------------------------------------------------------------

def registry_imports_for_user(*, user: User) -> QuerySet[RegistryImport]:
    """The files a user uploaded (another user's file, its rows and its error report are a 404)."""
    if not can_import(user):
        return RegistryImport.objects.none()
    return RegistryImport.objects.select_related("created_by", "area").filter(created_by=user)


def registry_import_get(*, user: User, pk: int) -> RegistryImport:
    record = registry_imports_for_user(user=user).filter(pk=pk).first()
    if record is None:
        raise Http404("Không tìm thấy lần nhập này.")
    return record
