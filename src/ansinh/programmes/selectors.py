"""Reads of programmes and lists, scoped by the user's area (a list outside it is a 404)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from ansinh.accounts.models import User
from ansinh.accounts.permissions import scope_to_area
from ansinh.programmes.models import BeneficiaryList, ListRow, Programme, RowFlag
from ansinh.programmes.permissions import can_read_programmes


def programmes_for_user(*, user: User) -> QuerySet[Programme]:
    if not can_read_programmes(user):
        return Programme.objects.none()
    return Programme.objects.prefetch_related("groups", "funding_sources").order_by("-window_start")


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
