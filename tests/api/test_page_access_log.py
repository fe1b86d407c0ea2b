"""The access log of the pages (``registry.PersonAccess``): a person's page, a household's page, a look-up by a
complete identity number and every file of people leave one row each (who, when, what, how many people); a file's
people are written set-based; the log page searches the page and API accesses together."""

from __future__ import annotations

import io

import polars as pl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ansinh.accounts.models import Role
from ansinh.api import selectors
from ansinh.registry.access_log import access_export
from ansinh.registry.models import AccessKind, Person, PersonAccess, PersonAccessItem
from api.conftest import by_id, envelope
from programmes import factories as f

pytestmark = pytest.mark.django_db


def _table(response) -> str:
    text = response.content.decode()
    return text[text.index('data-testid="access-log"'):]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_persons_page_and_a_look_up_by_number_are_logged_and_found_on_the_log_page(people, officer_a, province,
                                                                                     api, clients):
    a1 = people["a1"]
    officer = _client(officer_a)
    assert officer.get(f"/ho-so/nhan-khau/{a1.pk}/").status_code == 200
    view = PersonAccess.objects.get(kind=AccessKind.VIEW)
    assert (view.actor, view.person_count, view.identity_shown, view.what) == (officer_a, 1, True, "Xem hồ sơ nhân khẩu")
    assert list(PersonAccessItem.objects.filter(access=view).values_list("person_id", flat=True)) == [a1.pk]
    officer.post("/ho-so/nhan-khau/", {"q": a1.pid})  # a complete number names who it is
    lookup = PersonAccess.objects.get(kind=AccessKind.IDENTITY)
    assert lookup.person_count == 1 and lookup.items.get().person_id == a1.pk
    officer.post("/ho-so/nhan-khau/", {"q": "Nguyễn"})  # a name search shows a list, not one person's data
    assert PersonAccess.objects.filter(kind=AccessKind.IDENTITY).count() == 1
    assert officer.get(f"/ho-so/ho/{people['hh_a'].pk}/").status_code == 200
    household = PersonAccess.objects.filter(kind=AccessKind.VIEW).order_by("-pk").first()
    assert household.person_count == 2 and "HT18073API01" in household.what
    _c, key = clients["tinh"]
    api.call(key, "POST", "/registry/sync/search", envelope(by_id("UIN", a1.pid)))

    inspector = _client(f.user("thanhtra_log2", Role.INSPECTOR, province))
    page = inspector.post("/ket-noi/nhat-ky-truy-cap/", {"identity": a1.pid})
    text = _table(page)
    assert page.status_code == 200
    assert "Xem hồ sơ nhân khẩu" in text and "Tra cứu nhân khẩu theo số định danh" in text
    assert "xa_a" in text and "Hệ thống tinh" in text and "Tìm nhân khẩu" in text  # pages and API together
    assert "Xem hộ HT18073API01" in text
    only_pages = _table(inspector.get("/ket-noi/nhat-ky-truy-cap/", {"source": "view"}))
    assert "Xem hồ sơ nhân khẩu" in only_pages and "Tìm nhân khẩu" not in only_pages
    by_user = _table(inspector.get("/ket-noi/nhat-ky-truy-cap/", {"user": "xa_a"}))
    assert "Xem hồ sơ nhân khẩu" in by_user and "Hệ thống tinh" not in by_user
    assert a1.pid not in inspector.get("/ket-noi/nhat-ky-truy-cap/").content.decode()  # never in a URL or the list


def test_a_commune_reader_of_the_log_sees_only_the_accesses_that_touched_its_people(people, officer_a, commune_b):
    _client(officer_a).get(f"/ho-so/nhan-khau/{people['a1'].pk}/")
    admin_b = f.user("quantri_b_log", Role.ADMINISTRATOR, commune_b)
    assert list(selectors.page_accesses(user=admin_b)) == []
    admin_a = f.user("quantri_a_log", Role.ADMINISTRATOR, people["a1"].commune)
    assert len(selectors.page_accesses(user=admin_a)) == 1
    assert list(selectors.page_accesses(user=officer_a)) == []  # not a reader of the log


def test_a_file_of_many_people_is_one_row_and_one_set_based_write(commune_a, provincial):
    persons = [f.person(commune_a, f"Người Thứ {i}", pid=None) for i in range(300)]
    queryset = Person.objects.filter(commune=commune_a).values("pk")
    with CaptureQueriesContext(connection) as queries:
        access = access_export(actor=provincial, persons=queryset, what="Tải tệp thử")
    assert access.person_count == 300 and access.items.count() == 300
    assert len(queries) <= 6, [q["sql"][:120] for q in queries]  # not one INSERT per person
    with CaptureQueriesContext(connection) as queries:
        frame = access_export(actor=provincial, persons=pl.Series([p.pk for p in persons] + [persons[0].pk, None]),
                              what="Tải tệp thử (bảng)")
    assert frame.person_count == 300 and len(queries) <= 6
    assert access_export(actor=provincial, persons=Person.objects.none().values("pk"), what="Tệp rỗng") is None
    assert PersonAccess.objects.count() == 2  # nobody's data: no row


def test_a_payroll_sheet_export_logs_its_payees(payroll_cast, sent_sheets, people, commune_a):
    from ansinh.payroll.services import export

    sheet = sent_sheets[commune_a.pk]
    export.sheet_export(actor=payroll_cast["generator"], sheet=sheet, target=io.BytesIO())
    access = PersonAccess.objects.get(kind=AccessKind.EXPORT, object_type="payroll.payrollsheet")
    assert access.person_count == 1 and access.items.get().person_id == people["a1"].pk
    assert access.what.startswith("Tải tệp danh sách chi trả") and access.identity_shown
