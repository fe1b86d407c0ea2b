"""Reads of the dossiers app, scoped to the user's area (outside it, or a role that does not read dossiers: 404).

Search: each page's text is folded as the registry folds names (``core.text.fold``: tones and marks removed,
đ→d, lower case) into ``DocumentPage.search_key``; the query is folded the same way, so «Nguyễn Văn Đức» and
«nguyen van duc» find the same pages. PostgreSQL: full-text match of every word on the folded text
(``search_vector`` = ``to_tsvector('simple', search_key)`` written with the page, a GIN index, newest first). SQLite: every word as a
whole word of the folded text (``LIKE``), newest first. The words are highlighted in the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from ansinh.accounts.permissions import area_commune_ids, scope_to_area, user_sees_whole_province
from ansinh.core.text import fold
from ansinh.dossiers.models import (
    Borrowing,
    DigitisationStatus,
    DigitisationTarget,
    Document,
    DocumentPage,
    DocumentVersion,
    Dossier,
    ScanImport,
)
from ansinh.dossiers.permissions import can_import, can_read

SEARCH_LIMIT = 50
DEPARTMENT_TARGET = 200_000  # «hơn 200 ngàn hồ sơ» of NCC not yet digitised (the notice); a unit's own target overrides it
MAX_TERMS = 8
_WORD = re.compile(r"\w+", re.UNICODE)


def _require_reader(user) -> None:
    if not can_read(user):
        raise Http404("Không tìm thấy.")


def dossiers_for_user(*, user, query: str = "", status: str = "", category: str = "") -> QuerySet[Dossier]:
    _require_reader(user)
    qs = scope_to_area(Dossier.objects.select_related("commune"), user)
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if query:
        folded = fold(query)
        qs = qs.filter(Q(number__istartswith=query.strip().upper()) | Q(holder_search_key__contains=folded))
    return qs.order_by("number")


def dossier_for_user(*, user, pk: int) -> Dossier:
    _require_reader(user)
    dossier = scope_to_area(Dossier.objects.select_related("commune", "person", "created_by", "checked_by"),
                            user).filter(pk=pk).first()
    if dossier is None:
        raise Http404("Không tìm thấy hồ sơ.")
    return dossier


def dossier_documents(dossier: Dossier) -> list[Document]:
    """The documents with all their versions (newest first), in two queries."""
    from django.db.models import Prefetch

    versions = DocumentVersion.objects.select_related("uploaded_by").order_by("-number")
    return list(dossier.documents.prefetch_related(Prefetch("versions", queryset=versions)).order_by("pk"))


def dossier_borrowings(dossier: Dossier) -> list[Borrowing]:
    return list(dossier.borrowings.select_related("lent_by", "received_by").order_by("-borrowed_on", "-pk"))


def document_for_user(*, user, pk: int) -> Document:
    _require_reader(user)
    document = Document.objects.select_related("dossier").filter(
        pk=pk, dossier__commune_id__in=area_commune_ids(user)).first()
    if document is None:
        raise Http404("Không tìm thấy tài liệu.")
    return document


def version_for_user(*, user, pk: int) -> DocumentVersion:
    _require_reader(user)
    version = DocumentVersion.objects.select_related("document__dossier", "uploaded_by").filter(
        pk=pk, document__dossier__commune_id__in=area_commune_ids(user)).first()
    if version is None:
        raise Http404("Không tìm thấy bản quét.")
    return version


def borrowing_for_user(*, user, pk: int) -> Borrowing:
    _require_reader(user)
    loan = Borrowing.objects.select_related("dossier").filter(
        pk=pk, dossier__commune_id__in=area_commune_ids(user)).first()
    if loan is None:
        raise Http404("Không tìm thấy lượt mượn.")
    return loan


def page_for_user(*, user, version_pk: int, number: int) -> DocumentPage:
    version = version_for_user(user=user, pk=version_pk)
    page = version.pages.filter(number=number).first()
    if page is None:
        raise Http404("Trang này chưa có nội dung nhận dạng.")
    page.version = version
    return page


# ---------------------------------------------------------------- search

@dataclass
class SearchHit:
    page: DocumentPage
    snippet: list[tuple[str, bool]]  # (text, is a searched word)


def search_terms(query: str) -> list[str]:
    """The folded words of a query (at most eight, duplicates removed, in order)."""
    seen: list[str] = []
    for word in fold(query or "").split():
        if word not in seen:
            seen.append(word)
    return seen[:MAX_TERMS]


def _pg_search(qs: QuerySet, terms: list[str]) -> QuerySet:
    """Every word, newest pages first. No ``ts_rank``: it would compute the vector of every matching page again
    (a common word matches most of a million pages)."""
    from django.contrib.postgres.search import SearchQuery

    query = SearchQuery(" ".join(terms), config="simple", search_type="plain")
    return qs.filter(search_vector=query).order_by("-pk")


def _sqlite_search(qs: QuerySet, terms: list[str]) -> QuerySet:
    from django.db.models import TextField, Value
    from django.db.models.functions import Concat

    padded = qs.annotate(padded_key=Concat(Value(" "), "search_key", Value(" "), output_field=TextField()))
    for term in terms:
        padded = padded.filter(padded_key__contains=f" {term} ")
    return padded.order_by("-pk")


RARE_CAP = 2_000  # PostgreSQL: up to this many matches, read them all through the GIN index


def _pg_pages(qs: QuerySet, terms: list[str], limit: int) -> list[DocumentPage]:
    """Two plans chosen by what the index says, not by the planner's guess (a word found nowhere is estimated as
    common, and a backward walk of the whole table follows): first the GIN index alone (bitmap scans only) for
    at most ``RARE_CAP`` + 1 matches — rare words end there, the newest taken from them; beyond, the words are
    common and the newest pages are walked backwards (a few hundred rows read before ``limit`` are found)."""
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        ids = list(_pg_search(qs, terms).order_by().values_list("pk", flat=True)[:RARE_CAP + 1])
    related = ("version__document", "dossier")
    if len(ids) <= RARE_CAP:
        newest = sorted(ids, reverse=True)[:limit]
        return list(DocumentPage.objects.filter(pk__in=newest).select_related(*related).order_by("-pk"))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        return list(_pg_search(qs, terms).select_related(*related)[:limit])


def pages_matching(*, commune_ids: list[int], terms: list[str], limit: int = SEARCH_LIMIT) -> list[DocumentPage]:
    """The current pages of these communes holding every term (folded), newest first."""
    qs = DocumentPage.objects.filter(commune_id__in=commune_ids, is_current=True)
    if connection.vendor == "postgresql":
        return _pg_pages(qs, terms, limit)
    return list(_sqlite_search(qs, terms).select_related("version__document", "dossier")[:limit])


def pages_search(*, user, query: str, limit: int = SEARCH_LIMIT) -> list[SearchHit]:
    _require_reader(user)
    terms = search_terms(query)
    if not terms:
        return []
    pages = pages_matching(commune_ids=area_commune_ids(user), terms=terms, limit=limit)
    return [SearchHit(page=p, snippet=snippet(p.text, terms)) for p in pages]


def highlight(text: str, terms: list[str]) -> list[tuple[str, bool]]:
    """The text cut into (segment, is a searched word): a word is marked when its fold is one of the terms."""
    wanted = set(terms)
    out: list[tuple[str, bool]] = []
    last = 0
    for match in _WORD.finditer(text or ""):
        if fold(match.group()) in wanted:
            if match.start() > last:
                out.append((text[last:match.start()], False))
            out.append((match.group(), True))
            last = match.end()
    if last < len(text or ""):
        out.append((text[last:], False))
    return out


def snippet(text: str, terms: list[str], *, width: int = 160) -> list[tuple[str, bool]]:
    """About ``width`` characters around the first searched word, highlighted."""
    wanted = set(terms)
    first = next((m.start() for m in _WORD.finditer(text or "") if fold(m.group()) in wanted), 0)
    start = max(first - width // 3, 0)
    end = min(start + width, len(text or ""))
    piece = ("…" if start else "") + text[start:end].replace("\n", " ") + ("…" if end < len(text) else "")
    return highlight(piece, terms)


# ---------------------------------------------------------------- the campaign

@dataclass
class UnitProgress:
    unit_id: int | None
    name: str
    counts: dict[str, int]
    total: int
    target: int | None

    @property
    def cells(self) -> list[int]:
        """The counts in the order of ``DigitisationStatus``."""
        return [self.counts.get(status, 0) for status in DigitisationStatus.values]

    @property
    def done(self) -> int:
        return self.counts.get(DigitisationStatus.CHECKED, 0)


def campaign_progress(*, user) -> tuple[list[UnitProgress], UnitProgress]:
    """Dossiers by status per unit (the former district of each commune, or the commune when it has none), the
    targets set for those units, and the whole area's line (against the province's target)."""
    _require_reader(user)
    rows = (scope_to_area(Dossier.objects.all(), user)
            .values("commune__legacy_district_id", "commune__legacy_district__name", "commune_id", "commune__name",
                    "status").annotate(n=Count("pk")))
    units: dict[int, UnitProgress] = {}
    for row in rows:
        unit_id = row["commune__legacy_district_id"] or row["commune_id"]
        name = row["commune__legacy_district__name"] or row["commune__name"]
        unit = units.setdefault(unit_id, UnitProgress(unit_id, name, {}, 0, None))
        unit.counts[row["status"]] = unit.counts.get(row["status"], 0) + row["n"]
        unit.total += row["n"]
    targets = dict(DigitisationTarget.objects.filter(unit_id__in=[*units, user.area_id]).values_list("unit_id", "target"))
    for unit in units.values():
        unit.target = targets.get(unit.unit_id)
    default = DEPARTMENT_TARGET if user_sees_whole_province(user) else None  # the department's, for the province
    whole = UnitProgress(user.area_id, user.area.name if user.area_id else "", {}, 0,
                         targets.get(user.area_id, default))
    for unit in units.values():
        whole.total += unit.total
        for status, n in unit.counts.items():
            whole.counts[status] = whole.counts.get(status, 0) + n
    return sorted(units.values(), key=lambda u: u.name), whole


def scan_imports_for_user(*, user) -> QuerySet[ScanImport]:
    if not can_import(user):
        raise Http404("Không tìm thấy.")
    return ScanImport.objects.filter(created_by=user).order_by("-created_at", "-pk")


def scan_import_for_user(*, user, pk: int) -> ScanImport:
    record = scan_imports_for_user(user=user).filter(pk=pk).first()
    if record is None:
        raise Http404("Không tìm thấy lần nhập.")
    return record
