"""The files of the labour app, through the shared import lifecycle (``core.imports``): one committed file per
digest and target, enforced by the database."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ansinh.core.models import ImportRecord


def _once(name: str, *fields: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=["file_sha256", *fields], condition=Q(status="committed"), name=name)


class SupplyImport(ImportRecord):
    """The yearly supply update of a commune, district or the province (TT 01/2022)."""

    year = models.PositiveSmallIntegerField(_("năm"))

    class Meta(ImportRecord.Meta):
        verbose_name = _("tệp cập nhật cung lao động")
        verbose_name_plural = _("các tệp cập nhật cung lao động")
        constraints = [_once("supplyimport_committed_once", "year")]


class EmployerImport(ImportRecord):
    year = models.PositiveSmallIntegerField(_("năm"))

    class Meta(ImportRecord.Meta):
        verbose_name = _("tệp cầu lao động")
        verbose_name_plural = _("các tệp cầu lao động")
        constraints = [_once("employerimport_committed_once", "year")]


class VacancyImport(ImportRecord):
    class Meta(ImportRecord.Meta):
        verbose_name = _("tệp vị trí tuyển dụng")
        verbose_name_plural = _("các tệp vị trí tuyển dụng")
        constraints = [_once("vacancyimport_committed_once")]


class PlacementImport(ImportRecord):
    class Meta(ImportRecord.Meta):
        verbose_name = _("tệp giải quyết việc làm")
        verbose_name_plural = _("các tệp giải quyết việc làm")
        constraints = [_once("placementimport_committed_once")]


class EnrolmentImport(ImportRecord):
    course = models.ForeignKey("labour.Course", verbose_name=_("khoá học"), on_delete=models.PROTECT,
                               related_name="imports")

    class Meta(ImportRecord.Meta):
        verbose_name = _("tệp danh sách học viên")
        verbose_name_plural = _("các tệp danh sách học viên")
        constraints = [_once("enrolmentimport_committed_once", "course")]
