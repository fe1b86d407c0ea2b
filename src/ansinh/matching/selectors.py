"""Reads for matching: the review queue (area-scoped), merges, the model in use, and the
duplicate check while typing (province-wide candidates, details only inside the user's area).

The duplicate check answers in milliseconds: candidates come from indexed queries (exact
identity numbers; given name + birth year ±1 on an expression index; exact birth date or
day/month swapped + name similarity), and the few candidates are scored with the trained
model's own level conditions and m/u weights in an in-process DuckDB (``fast_score``), not
by building a Splink linker per keystroke (≈ 1 s).
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse

from ansinh.accounts.models import User
from ansinh.accounts.permissions import area_commune_ids, identity_for, mask_identity, scope_to_area
from ansinh.core.identity import digits_only
from ansinh.core.text import fold, split_name
from ansinh.core.todo import TodoItem
from ansinh.matching.models import (
    CandidatePair,
    FileMatch,
    MatchingSettings,
    MatchRun,
    PairStatus,
    PersonMerge,
    RunStatus,
)
from ansinh.registry.models import DatePrecision, Household, Membership, Person
from ansinh.registry.permissions import can_edit_registry, can_read_registry

HINT_MIN_PROBABILITY = 0.01  # a warning before saving: the indexed candidates (name + birth year, numbers) with their probability, at most HINT_LIMIT
HINT_LIMIT = 5
CANDIDATE_LIMIT = 30


# -- merged people ---------------------------------------------------------------------------

def exclude_merged(queryset: QuerySet, *, person_field: str = "pk") -> QuerySet:
    """``queryset`` without the people merged into another (``Person.merged_into``, kept by the merge service)."""
    prefix = "" if person_field == "pk" else f"{person_field}__"
    return queryset.filter(**{f"{prefix}merged_into__isnull": True})


def active_merge_of(person_id: int) -> PersonMerge | None:
    """The merge that folded this person into another, if any."""
    return PersonMerge.objects.filter(merged_id=person_id, undone_at__isnull=True).select_related("kept").first()


def merges_into(person_id: int) -> QuerySet[PersonMerge]:
    """People merged into this one (active merges): their history belongs to this person's story."""
    return PersonMerge.objects.filter(kept_id=person_id, undone_at__isnull=True).select_related("merged")


# -- two people who both hold a current household membership ---------------------------------

@dataclass(frozen=True)
class MembershipSide:
    """One of the two people: the current membership, its household, and who else lives there now."""

    person: Person
    membership: Membership
    household: Household
    is_head: bool
    others: list[Person]  # the household's other current members (neither of the two)


@dataclass(frozen=True)
class MembershipConflict:
    """Both people are current members of a household: a merge must say which membership remains."""

    sides: dict[int, MembershipSide]  # person id -> side

    @property
    def same_household(self) -> bool:
        return len({side.household.pk for side in self.sides.values()}) == 1

    @property
    def both_heads(self) -> bool:
        return not self.same_household and all(side.is_head for side in self.sides.values())

    def side(self, person_id: int) -> MembershipSide:
        return self.sides[person_id]

    def other_side(self, person_id: int) -> MembershipSide:
        return next(side for pk, side in self.sides.items() if pk != person_id)


def membership_conflict(first: Person, second: Person) -> MembershipConflict | None:
    """The conflict a merge of ``first`` and ``second`` must resolve, or None (at most one current membership)."""
    current = {m.person_id: m for m in Membership.objects.filter(person_id__in=[first.pk, second.pk],
                                                                  left_date__isnull=True)
               .select_related("household", "household__commune", "person")}
    if len(current) < 2:
        return None
    pair_ids = {first.pk, second.pk}
    sides = {}
    for person_id, membership in current.items():
        household = membership.household
        others = [m.person for m in Membership.objects.filter(household=household, left_date__isnull=True)
                  .exclude(person_id__in=pair_ids).select_related("person").order_by("person__birth_date", "pk")]
        sides[person_id] = MembershipSide(person=membership.person, membership=membership, household=household,
                                          is_head=household.head_id == person_id, others=others)
    return MembershipConflict(sides=sides)


def merge_household_changes(merge: PersonMerge) -> list[str]:
    """What the merge changed in households (memberships ended or created, heads), in Vietnamese."""
    from django.apps import apps

    def shown(value):
        if value in (None, ""):
            return "—"
        if isinstance(value, str) and len(value) == 10 and value[4] == "-":
            return f"{value[8:]}/{value[5:7]}/{value[:4]}"
        return str(value)

    out = []
    for op in (merge.person_fields or {}).get("households", []):
        model = apps.get_model(op["model"])
        what = f"{model._meta.verbose_name} #{op['pk']}"
        if op["op"] == "create":
            out.append(f"{what}: tạo mới (vào hộ #{op['check']['household']})")
            continue
        changes = []
        for name, (old, new) in op["fields"].items():
            field = model._meta.get_field(name)
            if field.is_relation:
                names = dict(field.related_model._default_manager.filter(pk__in=[v for v in (old, new) if v])
                             .values_list("pk", {Household: "code", Person: "full_name"}.get(field.related_model,
                                                                                             "name")))
                old, new = (f"{names.get(v, '')} (#{v})" if v else None for v in (old, new))
            changes.append(f"{field.verbose_name}: {shown(old)} → {shown(new)}")
        if changes:
            out.append(f"{what}: " + "; ".join(changes))
    return out


# -- settings and the model --------------------------------------------------------------------

def matching_settings() -> MatchingSettings:
    return MatchingSettings.objects.get_or_create(pk=1)[0]


def matching_model():
    """The model in use: the one trained by the latest finished run, else the shipped default, else None."""
    from ansinh.matching import files
    from ansinh.matching.model import MatchModel

    run = (MatchRun.objects.filter(status=RunStatus.FINISHED).exclude(model={}).order_by("-finished_at", "-id")
           .only("id", "model").first())
    if run is not None:
        return _cached_model(run.pk, lambda: MatchModel.from_dict(run.model))
    if Path(files.DEFAULT_MODEL).exists():
        return _cached_model("default", files.load_model)
    return None


_MODELS: dict = {}


def _cached_model(key, load):
    if key not in _MODELS:
        _MODELS.clear()
        _MODELS[key] = load()
    return _MODELS[key]


# -- fast scoring with the trained weights: lives in the core (ansinh.matching.model) --------

def compile_model(model):
    """The model's comparison levels as SQL ``CASE``s with their weights (``model.compile_model``)."""
    from ansinh.matching.model import compile_model as core_compile_model

    return core_compile_model(model)


def fast_score(record: dict, candidates: list[dict], model) -> list[dict]:
    """Score one new person against a few candidates (``ansinh.matching.model.fast_score``)."""
    from ansinh.matching.model import fast_score as core_fast_score

    return core_fast_score(record, candidates, model)


def rule_score(record: dict, candidates: list[dict]) -> list[dict]:
    """Without a trained model: a transparent score (name, birth date, sex, identity number)."""
    key = fold(record.get("full_name") or "")
    out = []
    for cand in candidates:
        ckey = fold(cand.get("full_name") or "")
        evidence = []
        name = difflib.SequenceMatcher(None, key, ckey).ratio()
        evidence.append({"label": "Họ tên", "weight": round(4 * name - 2, 2), "agreed": name >= 0.85,
                         "levels": [f"giống {name:.0%} (bỏ dấu)"]})
        birth = _birth_agreement(record, cand)
        evidence.append({"label": "Ngày sinh", "weight": birth[0], "agreed": birth[0] > 0, "levels": [birth[1]]})
        if record.get("sex") and cand.get("sex"):
            same = record["sex"] == cand["sex"]
            evidence.append({"label": "Giới tính", "weight": 1.0 if same else -4.0, "agreed": same,
                             "levels": ["giống" if same else "khác"]})
        for kind in ("pid", "cmnd"):
            if record.get(kind) and cand.get(kind):
                same = record[kind] == cand[kind]
                evidence.append({"label": "Số định danh", "weight": 10.0 if same else -6.0, "agreed": same,
                                 "levels": ["trùng số" if same else "khác số"]})
        total = sum(e["weight"] for e in evidence)
        probability = 1 / (1 + 2 ** (-(total - 3)))
        out.append({"unique_id": cand["unique_id"], "match_probability": probability, "match_weight": total,
                    "evidence": evidence})
    return sorted(out, key=lambda r: -r["match_probability"])


def _birth_agreement(record: dict, cand: dict) -> tuple[float, str]:
    a, b = record.get("birth_date"), cand.get("birth_date")
    if not isinstance(a, dt.date) or not isinstance(b, dt.date):
        return 0.0, "không so được"
    if a.year != b.year:
        return (-1.0, "lệch một năm") if abs(a.year - b.year) == 1 else (-4.0, "khác năm")
    if "year" in (record.get("birth_precision"), cand.get("birth_precision")):
        return 3.0, "trùng năm (một bên chỉ có năm)"
    if (a.month, a.day) == (b.month, b.day):
        return 6.0, "trùng ngày, tháng, năm"
    if (a.month, a.day) == (b.day, b.month):
        return 4.0, "đảo ngày và tháng"
    return 1.0, "trùng năm"


# -- the duplicate check while typing ----------------------------------------------------------

@dataclass
class DuplicateHint:
    person_id: int
    probability: float
    inside: bool
    commune_name: str
    birth_year: int
    evidence: list
    full_name: str = ""
    birth_display: str = ""
    household_id: int | None = None
    household_code: str = ""
    identity: str = ""


def _candidate_ids(*, key: str, birth: dt.date | None, precision: str, pid: str, cmnd: str) -> list[int]:
    ids: list[int] = []
    if pid or cmnd:
        ids += list(Person.objects.filter((Q(pid=pid) if pid else Q(pk__in=[]))
                                          | (Q(cmnd=cmnd) if cmnd else Q(pk__in=[])))
                    .values_list("pk", flat=True)[:5])
    words = key.split()
    if birth is None or len(words) < 2:
        return ids
    given = words[-1]
    low, high = dt.date(birth.year - 1, 1, 1), dt.date(birth.year + 1, 12, 31)
    dates = [birth]
    if precision == DatePrecision.DAY and birth.day <= 12 and birth.day != birth.month:
        dates.append(dt.date(birth.year, birth.day, birth.month))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT id FROM registry_person WHERE split_part(search_key, ' ', -1) = %s "
                "AND birth_date BETWEEN %s AND %s ORDER BY similarity(search_key, %s) DESC, id LIMIT %s",
                [given, low, high, key, CANDIDATE_LIMIT])
            ids += [r[0] for r in cursor.fetchall()]
            if precision == DatePrecision.DAY:
                cursor.execute(
                    "SELECT id FROM registry_person WHERE birth_date = ANY(%s) AND similarity(search_key, %s) >= 0.4 "
                    "ORDER BY similarity(search_key, %s) DESC, id LIMIT %s", [dates, key, key, CANDIDATE_LIMIT])
                ids += [r[0] for r in cursor.fetchall()]
        else:
            cursor.execute(
                "SELECT id FROM registry_person WHERE (search_key LIKE %s OR search_key = %s) "
                "AND birth_date BETWEEN %s AND %s ORDER BY id LIMIT 200", [f"% {given}", given, low, high])
            ids += [r[0] for r in cursor.fetchall()]
            if precision == DatePrecision.DAY:
                cursor.execute("SELECT id, search_key FROM registry_person WHERE birth_date IN (%s, %s) LIMIT 500",
                               [dates[0], dates[-1]])
                ids += [i for i, k in cursor.fetchall() if difflib.SequenceMatcher(None, key, k).ratio() >= 0.6]
    return list(dict.fromkeys(ids))


def _covers(user: User, commune_id: int, province_code: str = "") -> bool:
    if user.area_id is None:
        return False
    ids = getattr(user, "_area_commune_id_set", None)
    if ids is None:
        ids = user._area_commune_id_set = set(area_commune_ids(user))
    return commune_id in ids


def duplicate_candidates(*, user: User, full_name: str, birth: dt.date | None, birth_precision: str = "day",
                         sex: str = "", pid: str = "", cmnd: str = "", limit: int = HINT_LIMIT) -> list[DuplicateHint]:
    """Likely existing people for what is being typed, across the whole province. Details only for
    people inside the user's area (and identity numbers only for roles that may see them)."""
    if not can_read_registry(user):
        return []
    key = fold(full_name)
    pid, cmnd = digits_only(pid or ""), digits_only(cmnd or "")
    ids = _candidate_ids(key=key, birth=birth, precision=birth_precision, pid=pid if len(pid) == 12 else "",
                         cmnd=cmnd if len(cmnd) == 9 else "")
    if not ids:
        return []
    rows = list(exclude_merged(Person.objects.filter(pk__in=ids)).values(
        "id", "full_name", "sex", "birth_date", "birth_precision", "pid", "cmnd", "commune_id", "commune__name",
        "commune__code", "commune__province_code", "household_id", "household__code"))
    record = {"unique_id": 0, "full_name": full_name, "sex": sex or None, "birth_date": birth,
              "birth_precision": birth_precision if birth else None, "pid": pid or None, "cmnd": cmnd or None}
    candidates = [{"unique_id": r["id"], "full_name": r["full_name"], "sex": r["sex"], "birth_date": r["birth_date"],
                   "birth_precision": r["birth_precision"], "pid": r["pid"], "cmnd": r["cmnd"]} for r in rows]
    model = matching_model()
    scored = fast_score(record, candidates, model) if model is not None else rule_score(record, candidates)
    by_id = {r["id"]: r for r in rows}
    hints = []
    for s in scored:
        exact_id = (pid and by_id[s["unique_id"]]["pid"] == pid) or (cmnd and by_id[s["unique_id"]]["cmnd"] == cmnd)
        if s["match_probability"] < HINT_MIN_PROBABILITY and not exact_id:
            continue
        r = by_id[s["unique_id"]]
        inside = _covers(user, r["commune_id"], r["commune__province_code"])
        hint = DuplicateHint(person_id=r["id"], probability=s["match_probability"], inside=inside,
                             commune_name=r["commune__name"], birth_year=r["birth_date"].year,
                             evidence=s["evidence"])
        if inside:
            person = Person(birth_date=r["birth_date"], birth_precision=r["birth_precision"])
            number = r["pid"] or r["cmnd"] or ""
            hint.full_name, hint.birth_display = r["full_name"], person.birth_display
            hint.household_id, hint.household_code = r["household_id"], r["household__code"] or ""
            hint.identity = identity_for(user, number)
        hints.append(hint)
        if len(hints) == limit:
            break
    return hints


# -- the review queue ----------------------------------------------------------------------------

def _pairs_in_area(qs: QuerySet, user: User) -> QuerySet:
    """A pair is visible to a user covering both people's communes (a pair across two areas is for the level
    that covers both): nobody sees, or decides, a pair with someone outside their area."""
    if not can_read_registry(user):
        return qs.none()
    return scope_to_area(scope_to_area(qs, user, commune_field="person_low__commune"), user,
                         commune_field="person_high__commune")


def pairs_for_user(*, user: User, status: str = PairStatus.PENDING, band: str = "") -> QuerySet[CandidatePair]:
    qs = _pairs_in_area(CandidatePair.objects.all(), user)
    if status:
        qs = qs.filter(status=status)
    if band:
        qs = qs.filter(band=band)
    return qs.select_related("person_low__commune", "person_high__commune", "run").order_by("-probability", "id")


def pair_get_for_user(*, user: User, pk: int) -> CandidatePair:
    try:
        return pairs_for_user(user=user, status="").select_related(
            "person_low__household", "person_high__household").get(pk=pk)
    except CandidatePair.DoesNotExist as err:
        raise Http404("Không tìm thấy cặp nghi trùng trong địa bàn của bạn.") from err


def person_references(person: Person) -> list[tuple[str, int]]:
    """(what, how many) rows in any app point at this person (memberships, enrolments, list rows...)."""
    from ansinh.matching.references import person_reference_fields

    out = []
    for model, field_name in person_reference_fields():
        n = model._default_manager.filter(**{field_name: person.pk}).count()
        if n:
            out.append((str(model._meta.verbose_name_plural), n))
    return out


def may_be_twins(pair: CandidatePair) -> bool:
    """The two people look like twins (``model.with_auto_merge``: same family and middle name — or one without —,
    same full date of birth and commune, another given name, no identity number in common): the pair is never
    merged automatically, and the page says why an officer must look."""
    low, high = pair.person_low, pair.person_high
    (fam_l, mid_l, giv_l), (fam_h, mid_h, giv_h) = (tuple(fold(x) for x in split_name(p.full_name))
                                                    for p in (low, high))
    same_number = any(a and a == b for a, b in ((low.pid, high.pid), (low.cmnd, high.cmnd)))
    return bool(fam_l == fam_h and (mid_l == mid_h or not mid_l or not mid_h) and giv_l != giv_h
                and low.birth_date and low.birth_date == high.birth_date
                and low.birth_precision == high.birth_precision == DatePrecision.DAY
                and low.commune_id == high.commune_id and not same_number)


def years_apart(pair: CandidatePair) -> tuple[int, int] | None:
    """The two birth years when they differ and no identity number is in common (``model.with_auto_merge``): one
    person with a mistyped year, or two people of one name born a year apart. Such a pair is never merged
    automatically, whatever its probability; the page says so and shows the two years."""
    low, high = pair.person_low, pair.person_high
    same_number = any(a and a == b for a, b in ((low.pid, high.pid), (low.cmnd, high.cmnd)))
    if not (low.birth_date and high.birth_date) or same_number or low.birth_date.year == high.birth_date.year:
        return None
    return low.birth_date.year, high.birth_date.year


def torn_pairs(*, pair: CandidatePair, user: User) -> list[CandidatePair]:
    """The other waiting pairs (in the user's area) that tie one of the two people to a third person who is not
    waiting as a pair with the other one (``model.with_torn``): one record that looks like two people who do not
    look alike. Such a pair is never merged automatically; the page lists the other pairs to compare first."""
    two = (pair.person_low_id, pair.person_high_id)
    others = list(pairs_for_user(user=user, status=PairStatus.PENDING).exclude(pk=pair.pk)
                  .filter(Q(person_low_id__in=two) | Q(person_high_id__in=two)).order_by("-probability", "pk"))
    thirds = {p.person_low_id for p in others} | {p.person_high_id for p in others}
    waiting = set(CandidatePair.objects.filter(status=PairStatus.PENDING, person_low_id__in=thirds,
                                               person_high_id__in=thirds).values_list("person_low_id", "person_high_id"))
    torn = []
    for other in others:
        mine = other.person_low_id if other.person_low_id in two else other.person_high_id
        third = other.person_high_id if mine == other.person_low_id else other.person_low_id
        rest = two[1] if mine == two[0] else two[0]
        if third not in two and tuple(sorted((third, rest))) not in waiting:
            torn.append(other)
    return torn


def pair_sides(*, pair: CandidatePair, user: User) -> list[dict]:
    """The two people side by side; identity numbers masked outside the user's area or role."""
    sides = []
    for person in (pair.person_low, pair.person_high):
        inside = _covers(user, person.commune_id, person.commune.province_code)
        shown = (lambda value: identity_for(user, value)) if inside else mask_identity  # noqa: E731
        sides.append({
            "person": person, "inside": inside,
            "pid": shown(person.pid), "cmnd": shown(person.cmnd), "bhxh": shown(person.social_insurance_no),
            "references": person_references(person),
        })
    return sides


def merges_for_user(*, user: User) -> QuerySet[PersonMerge]:
    if not can_read_registry(user):
        return PersonMerge.objects.none()
    qs = scope_to_area(scope_to_area(PersonMerge.objects.all(), user, commune_field="kept__commune"), user,
                       commune_field="merged__commune")
    return qs.select_related("kept__commune", "merged__commune", "actor", "undone_by").order_by("-merged_at", "-id")


def merge_get_for_user(*, user: User, pk: int) -> PersonMerge:
    try:
        return merges_for_user(user=user).get(pk=pk)
    except PersonMerge.DoesNotExist as err:
        raise Http404("Không tìm thấy lần gộp trong địa bàn của bạn.") from err


def latest_runs(limit: int = 5) -> list[MatchRun]:
    return list(MatchRun.objects.select_related("created_by").defer("model").order_by("-created_at", "-id")[:limit])


def run_get(*, pk: int) -> MatchRun:
    try:
        return MatchRun.objects.defer("model").get(pk=pk)
    except MatchRun.DoesNotExist as err:
        raise Http404("Không tìm thấy lần chạy.") from err


def run_pairs_by_area(run: MatchRun, *, limit: int = 200) -> list[dict]:
    """The run's pairs per commune (both people in one commune; «Nhiều xã» when they differ), most first."""
    from django.db.models import BooleanField, Count, ExpressionWrapper, F

    rows = (CandidatePair.objects.filter(run=run)
            .annotate(same=ExpressionWrapper(Q(person_low__commune_id=F("person_high__commune_id")),
                                             output_field=BooleanField()))
            .values("same", "person_low__commune__name")
            .annotate(pairs=Count("id"), auto=Count("id", filter=Q(band="auto"))).order_by("-pairs"))
    out: dict[str, dict] = {}
    for row in rows:
        name = row["person_low__commune__name"] if row["same"] else "Hai xã khác nhau"
        entry = out.setdefault(name, {"name": name, "pairs": 0, "auto": 0})
        entry["pairs"] += row["pairs"]
        entry["auto"] += row["auto"]
    return sorted(out.values(), key=lambda r: -r["pairs"])[:limit]


def file_matches_for_user(*, user: User) -> QuerySet[FileMatch]:
    return FileMatch.objects.filter(created_by=user).select_related("created_by").order_by("-created_at", "-id")


def file_match_get_for_user(*, user: User, pk: int) -> FileMatch:
    try:
        return file_matches_for_user(user=user).get(pk=pk)
    except FileMatch.DoesNotExist as err:
        raise Http404("Không tìm thấy tệp.") from err


# -- «Việc cần làm» ------------------------------------------------------------------------------------

def todo_items(user: User) -> list[TodoItem]:
    """Pairs of possible duplicates waiting for a decision, both people inside the user's area (for those who
    decide them: the registry editors), the oldest by the run that found them."""
    if not can_edit_registry(user):
        return []
    pending = _pairs_in_area(CandidatePair.objects.filter(status=PairStatus.PENDING), user)
    count = pending.count()
    oldest = (pending.order_by("run__finished_at", "run__started_at").values_list("run__finished_at", flat=True)
              .first() if count else None)
    return [TodoItem(section="Dân cư", label="Cặp nghi trùng chờ quyết định", count=count,
                     url=reverse("matching:pair_list"), oldest=oldest)]
