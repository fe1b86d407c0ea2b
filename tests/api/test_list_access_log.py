"""The access log of lists on screen (``AccessKind.LIST``): a beneficiary list's page, a payment batch's page and a
payroll sheet's page each leave one row with the people of the page shown — not the whole list, not nobody — and
the log page finds them under «Xem danh sách trên màn hình»."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ansinh.accounts.models import Role
from ansinh.payments.models import PaymentLine
from ansinh.programmes.models import ListRow
from ansinh.registry.models import AccessKind, PersonAccess
from programmes import factories as f
from reliability.conftest import cast, posted_batch  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _people(access) -> set[int]:
    return set(access.items.values_list("person_id", flat=True))


def test_a_list_and_a_batch_on_screen_log_the_people_of_the_page(cast, commune_a, commune_b, province):  # noqa: F811
    batch = posted_batch(cast, commune_a, 130)  # two pages of 100
    bl = batch.beneficiary_list
    officer = _client(cast["officer"])
    assert officer.get(reverse("programmes:list_detail", args=[bl.pk])).status_code == 200
    assert officer.get(reverse("programmes:list_detail", args=[bl.pk]), {"page": 2}).status_code == 200
    first, second = PersonAccess.objects.filter(kind=AccessKind.LIST, object_type="programmes.beneficiarylist",
                                                object_id=str(bl.pk)).order_by("pk")
    everyone = set(ListRow.objects.filter(beneficiary_list=bl).values_list("person_id", flat=True))
    assert (first.person_count, second.person_count) == (100, 30) and first.actor == cast["officer"]
    assert _people(first) | _people(second) == everyone and not _people(first) & _people(second)
    assert "(trang 2)" in second.what

    agent = _client(cast["agent"])
    assert agent.get(reverse("payments:batch_detail", args=[batch.pk])).status_code == 200
    shown = PersonAccess.objects.get(kind=AccessKind.LIST, object_type="payments.paymentbatch")
    lines = PaymentLine.objects.filter(batch=batch).order_by("seq")[:100]
    assert shown.actor == cast["agent"] and _people(shown) == {line.person_id for line in lines}

    outsider = f.user("xa_khac_ds", Role.COMMUNE_OFFICER, commune_b)
    assert _client(outsider).get(reverse("programmes:list_detail", args=[bl.pk])).status_code == 404
    assert PersonAccess.objects.filter(actor=outsider).count() == 0  # refused: nothing shown, nothing logged

    inspector = _client(f.user("thanhtra_ds", Role.INSPECTOR, province))
    page = inspector.get("/ket-noi/nhat-ky-truy-cap/", {"source": "list"}).content.decode()
    assert "Xem danh sách trên màn hình" in page and f"Xem danh sách chi trả {batch}" in page


def test_a_payroll_sheet_on_screen_logs_its_payees(payroll_cast, sent_sheets, people, commune_a):
    sheet = sent_sheets[commune_a.pk]
    assert _client(payroll_cast["generator"]).get(reverse("payroll:sheet_detail", args=[sheet.pk])).status_code == 200
    access = PersonAccess.objects.get(kind=AccessKind.LIST, object_type="payroll.payrollsheet")
    assert _people(access) == {people["a1"].pk} and access.what.startswith("Xem bảng chi trả")
