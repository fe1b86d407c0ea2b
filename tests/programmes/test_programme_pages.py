"""Pages: scoping by area and role, workflow buttons per role, reconciliation page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ansinh.programmes.models import BeneficiaryList
from ansinh.programmes.services.generation import registry_lists_generate

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(programme, provincial, world, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    registry_lists_generate(programme=programme, actor=provincial)
    return {bl.group.code: bl for bl in BeneficiaryList.objects.select_related("group")}


def test_programme_pages_show_the_overlap_rule_and_only_the_users_communes(client, generated, officer_a, programme):
    client.force_login(officer_a)
    page = client.get(reverse("programmes:programme_list")).content.decode()
    assert "Chỉ hưởng mức cao nhất" in page
    detail = client.get(reverse("programmes:programme_detail", args=[programme.pk])).content.decode()
    assert "nhóm 5 – Phường Thành Sen" in detail and "Xã Cẩm Bình" not in detail


def test_list_of_another_commune_is_404(client, generated, officer_b):
    client.force_login(officer_b)
    assert client.get(reverse("programmes:list_detail", args=[generated["5"].pk])).status_code == 404
    assert client.get(reverse("programmes:list_detail", args=[generated["7"].pk])).status_code == 200


def test_list_page_shows_flags_with_reasons_and_the_submit_button_to_the_officer(client, generated, officer_a):
    client.force_login(officer_a)
    page = client.get(reverse("programmes:list_detail", args=[generated["6"].pk])).content.decode()
    assert "Trùng người trong danh sách" in page and "Hoàng Thị Én" in page
    assert "Trình thẩm định" in page and "Phê duyệt</button>" not in page
    response = client.post(reverse("programmes:list_step", args=[generated["6"].pk, "submit"]), follow=True)
    assert "cảnh báo chưa xử lý" in response.content.decode()


def test_inspector_reads_but_sees_no_buttons_and_payment_agent_sees_no_lists(client, generated, inspector,
                                                                               payment_agent):
    client.force_login(inspector)
    page = client.get(reverse("programmes:list_detail", args=[generated["6"].pk])).content.decode()
    assert "Trình thẩm định" not in page
    assert client.post(reverse("programmes:list_step", args=[generated["6"].pk, "submit"])).status_code == 302
    assert BeneficiaryList.objects.get(pk=generated["6"].pk).status == "draft"
    client.force_login(payment_agent)
    assert client.get(reverse("programmes:programme_list")).status_code == 403
    assert client.get(reverse("payments:batch_list")).status_code == 200


def test_reconciliation_page_prints_the_sentence(client, generated, provincial, programme):
    client.force_login(provincial)
    page = client.get(reverse("payments:reconciliation", args=[programme.pk])).content.decode()
    assert "Hoàn thành chi trả cho 0 đối tượng" in page
    xlsx = client.get(reverse("payments:reconciliation_xlsx", args=[programme.pk]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_the_programme_page_pages_its_lists_with_stt_and_the_totals_of_all_of_them(client, generated, provincial,
                                                                                  programme, monkeypatch):
    """No list is cut off (the page stopped at 500): pages of lists with STT, and the footer sums every list of
    the user's area, not only the page shown."""
    from ansinh.programmes import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client.force_login(provincial)
    url = reverse("programmes:programme_detail", args=[programme.pk])
    lists = BeneficiaryList.objects.filter(programme=programme)
    assert lists.count() > 2
    first = client.get(url).content.decode()
    last = client.get(url, {"page": 99}).content.decode()
    shown = [bl for bl in lists if f'href="{reverse("programmes:list_detail", args=[bl.pk])}"' in first + last]
    assert "trang 1/" in first and 'rel="next"' in first and f"trên {lists.count()}" in first
    people = sum(bl.row_count for bl in lists)
    total = first.split('data-testid="table-total"', 1)[1].split("</tr>", 1)[0]
    assert f"{lists.count()} danh sách" in total and f">{people}<" in total.replace(".", "")
    page2 = client.get(url, {"page": 2}).content.decode()
    assert '<td class="text-center">3</td>' in page2  # STT continues on the next page
    assert len(shown) >= 3
