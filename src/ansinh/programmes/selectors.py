"""Reads of programmes and lists, scoped by the user's area (a list outside it is a 404)."""

from __future__ import annotations

import polars as pl
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse

from ansinh.accounts.models import User
from ansinh.accounts.permissions import area_commune_ids, scope_to_area, user_sees_whole_province
from ansinh.core.bulk import read_frame
from ansinh.core.sql import Sql, compose, in_clause, table
from ansinh.core.todo import TodoItem, present, workflow_todo
from ansinh.geo.models import AdminUnit
from ansinh.programmes.models import (
    FROZEN_STATUSES,
    HOUSEHOLD_REGISTERS,
    BeneficiaryGroup,
    BeneficiaryList,
    Enrolment,
    ListRow,
    ListUpload,
    Programme,
    ProgrammeOrigin,
    ProgrammeStatus,
    Register,
    RegisterImport,
    RowFlag,
)
from ansinh.programmes.permissions import (
    LIST_WORKFLOW,
    can_import_registers,
    can_read_programmes,
    can_see_designs,
    can_upload,
)
from ansinh.registry.models import Person


def programmes_for_user(*, user: User) -> QuerySet[Programme]:
    """The programmes in force (approved): the others are the designer's (``designs_for_user``)."""
    if not can_read_programmes(user):
        return Programme.objects.none()
    return (Programme.objects.filter(status=ProgrammeStatus.APPROVED).prefetch_related("groups", "funding_sources")
            .order_by("-window_start"))


def designs_for_user(*, user: User) -> QuerySet[Programme]:
    """Programmes defined in the browser, in every state, for those who write or approve them."""
    if not can_see_designs(user):
        return Programme.objects.none()
    return (Programme.objects.filter(origin=ProgrammeOrigin.DESIGNER)
            .select_related("prepared_by", "submitted_by", "approved_by")
            .prefetch_related("groups", "funding_sources").order_by("-updated_at"))


def design_get(*, user: User, pk: int) -> Programme:
    programme = designs_for_user(user=user).filter(pk=pk).first()
    if programme is None:
        raise Http404("Không tìm thấy chương trình.")
    return programme


def designs_waiting(*, user: User) -> QuerySet[Programme]:
    """Programmes submitted and waiting for a leader's decision."""
    return designs_for_user(user=user).filter(status=ProgrammeStatus.SUBMITTED)


def programme_get(*, user: User, pk: int) -> Programme:
    programme = programmes_for_user(user=user).filter(pk=pk).first()
    if programme is None:
        raise Http404("Không tìm thấy chương trình.")
    return programme


def enrolments_for_user(*, user: User, register: str, person: Person | None = None,
                        household_ids: list[int] | None = None) -> QuerySet[Enrolment]:
    """The standing-register enrolments the user may read (programme readers, inside their area): a person's
    (NCC, TGXH, top-up) or their households' (poor, near-poor), with their events."""
    if not can_read_programmes(user) or register not in Register.values:
        return Enrolment.objects.none()
    qs = scope_to_area(Enrolment.objects.filter(register=register), user)
    if register in HOUSEHOLD_REGISTERS:
        qs = qs.filter(household_id__in=household_ids or [])
    else:
        qs = qs.filter(person=person)
    return qs.select_related("commune", "person", "household").prefetch_related("events").order_by("start_date", "id")


def lists_for_user(*, user: User, programme: Programme | None = None, status: str = "",
                   group_code: str = "") -> QuerySet[BeneficiaryList]:
    if not can_read_programmes(user):
        return BeneficiaryList.objects.none()
    qs = scope_to_area(BeneficiaryList.objects.select_related("group", "commune", "programme"), user)
    if programme is not None:
        qs = qs.filter(programme=programme)
    if status:
        qs = qs.filter(status=status)
    if group_code:
        qs = qs.filter(group__code=group_code)
    return qs


def list_get(*, user: User, pk: int) -> BeneficiaryList:
    bl = lists_for_user(user=user).select_related("prepared_by", "submitted_by", "appraised_by", "approved_by",
                                                  "supplements").filter(pk=pk).first()
    if bl is None:
        raise Http404("Không tìm thấy danh sách.")
    return bl


def list_rows(*, beneficiary_list: BeneficiaryList, flagged_only: bool = False) -> QuerySet[ListRow]:
    qs = (ListRow.objects.filter(beneficiary_list=beneficiary_list).select_related("person", "person__household")
          .prefetch_related(Prefetch("flags", queryset=RowFlag.objects.select_related("resolved_by")))
          .order_by("pk"))
    if flagged_only:
        qs = qs.filter(flags__isnull=False).distinct()
    return qs


def open_flag_count(*, beneficiary_list: BeneficiaryList) -> int:
    return RowFlag.objects.filter(row__beneficiary_list=beneficiary_list, resolution="").count()


def flag_get(*, user: User, pk: int) -> RowFlag:
    """A flag of a list the user may see; otherwise a 404."""
    flag = (RowFlag.objects.select_related("row__beneficiary_list").filter(
        pk=pk, row__beneficiary_list__in=lists_for_user(user=user)).first())
    if flag is None:
        raise Http404("Không tìm thấy cảnh báo.")
    return flag


def group_get(*, user: User, pk: int) -> BeneficiaryGroup:
    group = BeneficiaryGroup.objects.filter(pk=pk, programme__in=programmes_for_user(user=user)).first()
    if group is None:
        raise Http404("Không tìm thấy nhóm đối tượng.")
    return group


# -- the rows a check of some lists needs ---------------------------------------------------------

ROWS_SQL = """
SELECT r.id AS row_id, r.beneficiary_list_id AS list_id, r.person_id, r.excluded, r.group_amount, r.amount,
       r.identity_number, l.status AS list_status, l.decision_number, g.id AS group_id, g.code AS group_code,
       g."order" AS group_order, c.name AS commune_name,
       p.full_name, p.search_key, p.birth_date, p.sex, p.pid, p.cmnd, p.death_date
  FROM {rows} r
  JOIN {lists} l ON l.id = r.beneficiary_list_id
  JOIN {groups} g ON g.id = l.group_id
  JOIN {units} c ON c.id = l.commune_id
  JOIN {people} p ON p.id = r.person_id
 WHERE l.programme_id = %s AND {people_of_lists}
"""
ROWS_SCHEMA = {
    "row_id": pl.Int64, "list_id": pl.Int64, "person_id": pl.Int64, "excluded": pl.Boolean,
    "group_amount": pl.Int64, "amount": pl.Int64, "identity_number": pl.String, "list_status": pl.String,
    "decision_number": pl.String, "group_id": pl.Int64, "group_code": pl.String, "group_order": pl.Int64,
    "commune_name": pl.String, "full_name": pl.String, "search_key": pl.String, "birth_date": pl.Date,
    "sex": pl.String, "pid": pl.String, "cmnd": pl.String, "death_date": pl.Date,
}


def programme_rows(programme: Programme, list_ids: list[int] | None = None) -> pl.DataFrame:
    """Rows of the programme; with ``list_ids``, only the rows of the people who appear in those lists
    (all a check of those lists needs: the cost follows the lists checked, not the whole programme)."""
    people = Sql("1 = 1")
    if list_ids is not None and len(list_ids) <= 50:
        people = compose("r.person_id IN (SELECT person_id FROM {rows} WHERE {lists})", rows=table(ListRow),
                         lists=in_clause("beneficiary_list_id", list_ids))
    query = compose(ROWS_SQL, programme.pk, rows=table(ListRow), lists=table(BeneficiaryList),
                    groups=table(BeneficiaryGroup), units=table(AdminUnit), people=table(Person),
                    people_of_lists=people)
    frame = read_frame(*query, schema=ROWS_SCHEMA)
    return frame.with_columns(pl.col(c).fill_null("") for c in ("identity_number", "pid", "cmnd", "decision_number"))


# -- uploaded files ------------------------------------------------------------------------------------

def _uploads_visible(qs: QuerySet, user: User, *, commune_field: str | None) -> QuerySet:
    if user_sees_whole_province(user):
        return qs
    from django.db.models import Q

    area = Q(**{f"{commune_field}_id__in": area_commune_ids(user)}) if commune_field else Q(
        area_id__in=area_commune_ids(user))
    return qs.filter(Q(created_by=user) | area)


def list_upload_get(*, user: User, pk: int) -> ListUpload:
    """A list file the user uploaded, or one of a commune in their area; otherwise a 404."""
    if not (can_upload(user) or can_read_programmes(user)):
        raise Http404("Không tìm thấy tệp.")
    qs = ListUpload.objects.select_related("programme", "group", "commune", "beneficiary_list", "created_by")
    upload = _uploads_visible(qs, user, commune_field="commune").filter(pk=pk).first()
    if upload is None:
        raise Http404("Không tìm thấy tệp.")
    return upload


def register_imports_for_user(*, user: User) -> QuerySet[RegisterImport]:
    if not can_import_registers(user):
        return RegisterImport.objects.none()
    return _uploads_visible(RegisterImport.objects.select_related("created_by"), user, commune_field=None)


def register_import_get(*, user: User, pk: int) -> RegisterImport:
    record = register_imports_for_user(user=user).filter(pk=pk).first()
    if record is None:
        raise Http404("Không tìm thấy tệp.")
    return record


APPROVED_SQL = """
        SELECT l.commune_id, g.code AS group_code, COUNT(*) AS approved_people, SUM(r.amount) AS approved_amount
          FROM {rows} r JOIN {lists} l ON l.id = r.beneficiary_list_id
          JOIN {groups} g ON g.id = l.group_id
         WHERE l.programme_id = %s AND {frozen} AND NOT r.excluded AND r.amount > 0 AND {communes}
         GROUP BY l.commune_id, g.code"""


def approved_totals(*, programme: Programme, commune_ids: list[int] | None = None) -> pl.DataFrame:
    """People and amounts of the approved (or later) lists by commune and group: what reconciliation starts from."""
    communes = in_clause("l.commune_id", commune_ids) if commune_ids is not None else Sql("1 = 1")
    query = compose(APPROVED_SQL, programme.pk, rows=table(ListRow), lists=table(BeneficiaryList),
                    groups=table(BeneficiaryGroup), frozen=in_clause("l.status", FROZEN_STATUSES), communes=communes)
    return read_frame(*query, schema={"commune_id": pl.Int64, "group_code": pl.String, "approved_people": pl.Int64,
                                      "approved_amount": pl.Int64})


# -- «Việc cần làm» ------------------------------------------------------------------------------------

TODO_SECTION = "Chương trình hỗ trợ"
TODO_STEPS = (  # (step, what waits) in the order of the list's life
    ("submit", "Danh sách đang lập, chưa trình thẩm định"),
    ("appraise", "Danh sách chờ thẩm định"),
    ("approve", "Danh sách chờ phê duyệt"),
    ("post", "Danh sách đã phê duyệt chờ niêm yết"),
    ("reconcile", "Danh sách đã chi trả chờ đối soát"),
    ("close", "Danh sách đã đối soát chờ khoá sổ"),
)


def todo_items(user: User) -> list[TodoItem]:
    """The lists waiting for this user's step, in their area: one item per step their role takes (a count of 0
    when none waits), linked to the lists in that state of the programme of the oldest one."""
    def link(bl: BeneficiaryList) -> str:
        return f"{reverse('programmes:programme_detail', args=[bl.programme_id])}?status={bl.status}"

    scoped = lists_for_user(user=user)
    return present(workflow_todo(LIST_WORKFLOW, user=user, queryset=scoped, step=step, section=TODO_SECTION,
                                 label=label, url=reverse("programmes:programme_list"), link=link)
                   for step, label in TODO_STEPS)
