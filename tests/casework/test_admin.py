"""The register of citizen reception in /quan-tri/: read only (written through the services), in Vietnamese, scoped
to the administrator's area, filtered by date and classification, searched by the register's number; the citizens'
personal data stays the complaint handlers' (the administrator reads that there were so many, not who)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.test_admin_vietnamese import ENGLISH, _visible
from ansinh.accounts.models import Role, User
from ansinh.casework import selectors
from ansinh.casework.models import Reception, ReceptionCitizen
from ansinh.casework.services import receptions
from conftest import make_user

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 16)


def _superuser(username: str, area) -> User:
    return User.objects.create_superuser(username=username, password="x", role=Role.ADMINISTRATOR, area=area,
                                         last_name="Quản trị", first_name="Viên")


@pytest.fixture
def administrator(province, settings) -> User:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return _superuser("quantri_vn", province)


@pytest.fixture
def entries(commune_a, leader):
    handler = make_user("tiepdan", Role.COMPLAINT_HANDLER, commune_a.legacy_district)

    def record(day, kind, outcome, **extra):
        details = receptions.ReceptionDetails(
            received_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30))), place="Phòng tiếp công dân",
            session="regular", kind=kind, content="Khiếu nại việc cắt trợ cấp bảo trợ xã hội", outcome=outcome,
            citizens=[receptions.Citizen("Trần Thị Mai", "Tổ dân phố 3", "042185000123")], **extra)
        return receptions.reception_record(actor=handler, commune=commune_a, received_by=handler, details=details)

    return [record(DAY, "complaint", "petition"),
            record(DAY + dt.timedelta(days=1), "recommendation", "guided", outcome_note="Giải thích quy định"),
            record(dt.date(2025, 12, 30), "feedback", "transferred", outcome_note="Chuyển UBND phường")]


def test_the_register_is_read_only_in_vietnamese_and_the_citizens_stay_hidden(client, administrator, entries):
    client.force_login(administrator)
    listing = client.get(reverse("admin:casework_reception_changelist"))
    assert listing.status_code == 200
    page = listing.content.decode()
    text = _visible(page)
    assert "2026/0001" in text and "2026/0002" in text and "2025/0001" in text
    assert "Sổ tiếp công dân" in text and "Thời gian tiếp" in text and "Phân loại" in text
    assert "Tiếp nhận đơn để xử lý, thụ lý" in text and entries[0].petition.number in text
    assert [word for word in ENGLISH if word in text] == []
    assert reverse("admin:casework_reception_add") not in page  # no «Thêm»
    detail = client.get(reverse("admin:casework_reception_change", args=[entries[0].pk]))
    assert detail.status_code == 200
    text = _visible(detail.content.decode())
    assert "Khiếu nại việc cắt trợ cấp" in text and "công dân được tiếp" in text.lower()
    assert "Trần Thị Mai" not in text and "042185" not in text and selectors.HIDDEN in text
    assert 'name="_save"' not in detail.content.decode() and [w for w in ENGLISH if w in text] == []
    # nothing is written here: the register changes only through the services (with their audit rows)
    assert client.get(reverse("admin:casework_reception_add")).status_code == 403
    post = client.post(reverse("admin:casework_reception_change", args=[entries[0].pk]), {"place": "Khác"})
    assert post.status_code == 403
    assert client.post(reverse("admin:casework_reception_delete", args=[entries[0].pk]),
                       {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:casework_receptioncitizen_add")).status_code == 403
    assert Reception.objects.count() == 3 and Reception.objects.get(pk=entries[0].pk).place == "Phòng tiếp công dân"
    citizens = client.get(reverse("admin:casework_receptioncitizen_changelist"))
    text = _visible(citizens.content.decode())
    assert citizens.status_code == 200 and "2026/0001" in text and "Trần Thị Mai" not in text
    assert [word for word in ENGLISH if word in text] == []
    citizen = ReceptionCitizen.objects.filter(reception=entries[0]).get()
    text = _visible(client.get(reverse("admin:casework_receptioncitizen_change", args=[citizen.pk])).content.decode())
    assert "2026/0001" in text and "Trần Thị Mai" not in text and "042185" not in text


def _numbers(response) -> list[str]:
    return sorted(r.number for r in response.context["cl"].result_list)


def test_filters_by_date_and_kind_and_search_by_the_register_s_number(client, administrator, entries):
    client.force_login(administrator)
    url = reverse("admin:casework_reception_changelist")
    assert _numbers(client.get(url, {"kind__exact": "complaint"})) == ["2026/0001"]
    assert _numbers(client.get(url, {"received_at__gte": "2026-03-17 00:00:00+07:00",
                                "received_at__lt": "2026-03-18 00:00:00+07:00"})) == [
        "2026/0002"]
    assert _numbers(client.get(url, {"received_at__year": "2025"})) == ["2025/0001"]  # the date hierarchy
    assert _numbers(client.get(url, {"q": "2026/0002"})) == ["2026/0002"]
    assert _numbers(client.get(url, {"q": "2026/2"})) == ["2026/0002"]
    assert _numbers(client.get(url, {"q": "2026/"})) == ["2026/0001", "2026/0002"]
    assert _numbers(client.get(url, {"q": "1"})) == ["2025/0001", "2026/0001"]
    assert _numbers(client.get(url, {"q": "Trần Thị Mai"})) == []  # never a search by the citizen's name
    page = _visible(client.get(url).content.decode())
    assert "Tìm theo số trong sổ" in page and "Hôm nay" in page and "Khiếu nại" in page
    citizens = reverse("admin:casework_receptioncitizen_changelist")
    assert _numbers_of_citizens(client.get(citizens, {"q": "2025/1"})) == ["2025/0001"]
    assert _numbers_of_citizens(client.get(citizens, {"reception__kind__exact": "recommendation"})) == ["2026/0002"]


def _numbers_of_citizens(response) -> list[str]:
    return sorted(c.reception.number for c in response.context["cl"].result_list)


def test_an_administrator_of_another_area_does_not_see_the_entries(client, commune_b, entries):
    other = _superuser("quantri_xa", commune_b)
    client.force_login(other)
    assert _numbers(client.get(reverse("admin:casework_reception_changelist"))) == []
    assert client.get(reverse("admin:casework_reception_change", args=[entries[0].pk])).status_code == 404
    citizen = ReceptionCitizen.objects.filter(reception=entries[0]).get()
    assert client.get(reverse("admin:casework_receptioncitizen_change", args=[citizen.pk])).status_code == 404
