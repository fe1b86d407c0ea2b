"""The review queue in a real browser: open it, read the evidence, merge, see the result, undo.
And the duplicate check appearing under the add-member form while typing."""

from __future__ import annotations

import datetime as dt
import re

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def review_world(registry_world):
    from ansinh.matching.models import CandidatePair, MatchRun
    from ansinh.registry.models import Person

    officer = registry_world["officers"]["a"]
    head = registry_world["households"]["a"].head
    twin = Person.objects.create(full_name="Nguyen Van Hung", search_key="nguyen van hung", sex="M",
                                 birth_date=dt.date(1968, 5, 12), cmnd="183000222", commune_id=head.commune_id)
    run = MatchRun.objects.create(created_by=officer, review_threshold=0.9, auto_merge_threshold=0.999,
                                  status="finished")
    pair = CandidatePair.objects.create(
        run=run, person_low=head, person_high=twin, probability=0.987, match_weight=11.9, band="review",
        evidence=[{"label": "Họ tên", "weight": 7.4, "agreed": True, "levels": ["Tên (gọi), bỏ dấu: giống"]},
                  {"label": "Ngày sinh", "weight": 9.2, "agreed": True, "levels": ["trùng ngày, tháng, năm"]},
                  {"label": "Số định danh", "weight": 0.0, "agreed": False,
                   "levels": ["không so được (CMND với số định danh)"]}])
    return {**registry_world, "pair": pair, "head": head, "twin": twin}


def _log_in(page, world, username="xa_a") -> None:
    page.goto(f"{world['url']}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", world["password"])
    page.click("button[type=submit]")
    page.wait_for_url(f"{world['url']}/")


def test_review_queue_merge_and_undo(page, review_world):
    from playwright.sync_api import expect

    from ansinh.registry.models import Person

    base, pair = review_world["url"], review_world["pair"]
    _log_in(page, review_world)
    page.get_by_role("button", name="Dân cư").click()  # the grouped menu
    page.get_by_role("link", name="Nghi trùng lặp").click()
    rows = page.locator("[data-testid=pairs] tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Nguyen Van Hung")
    rows.first.get_by_role("link", name="Xem").click()
    page.wait_for_url(re.compile(rf"/trung-lap/cap/{pair.pk}/$"))
    expect(page.locator("[data-testid=evidence]")).to_contain_text("trùng ngày, tháng, năm")
    expect(page.locator("[data-testid=side-1]")).to_contain_text("042068001234")
    expect(page.locator("[data-testid=side-2]")).to_contain_text("183000222")

    page.select_option("#keep", "low")
    page.get_by_role("button", name="Cùng một người: gộp").click()
    page.wait_for_url(re.compile(r"/trung-lap/da-gop/\d+/$"))
    expect(page.locator("[data-testid=merge-status]")).to_contain_text("Đang hiệu lực")
    expect(page.locator("[data-testid=kept]")).to_contain_text("Nguyễn Văn Hùng")
    assert Person.objects.get(pk=review_world["head"].pk).cmnd == "183000222"

    page.get_by_role("button", name="Hoàn tác lần gộp").click()
    expect(page.locator("[data-testid=merge-status]")).to_contain_text("Đã hoàn tác")
    assert Person.objects.get(pk=review_world["head"].pk).cmnd is None
    assert Person.objects.get(pk=review_world["twin"].pk).cmnd == "183000222"
    page.goto(f"{base}/trung-lap/")
    expect(page.locator("[data-testid=pairs] tbody tr").first).to_contain_text("Nguyen Van Hung")


def test_duplicate_check_while_typing(page, registry_world):
    from playwright.sync_api import expect

    household = registry_world["households"]["a"]
    _log_in(page, registry_world)
    page.goto(f"{registry_world['url']}/ho-so/ho/{household.pk}/")
    form = page.locator("#add-member")
    form.locator("[name=sex]").select_option("F")
    form.locator("[name=birth]").fill("1992")
    form.locator("[name=full_name]").press_sequentially("Nguyen Thi Hoa", delay=20)
    hints = page.locator("[data-testid=duplicate-hint]")
    expect(hints.first).to_be_visible()
    # the one in this household is shown in full, the namesake of Xã Cẩm Bình only by commune and year
    expect(page.locator("[data-testid=duplicate-hint][data-inside='1']")).to_contain_text("Nguyễn Thị Hoa")
    expect(page.locator("[data-testid=duplicate-hint][data-inside='0']")).to_contain_text(
        "Một người ở Xã Cẩm Bình, sinh năm 1992")


def test_merge_of_two_household_heads_moves_the_members_and_undo_restores(page, registry_world):
    """Both records head a household: the page shows both households and the choices; «move the members»
    leaves the other household empty, undo puts everyone back. Screenshots in ANSINH_SHOTS when set."""
    import os

    from playwright.sync_api import expect

    from ansinh.matching.models import CandidatePair, MatchRun
    from ansinh.registry import services as registry
    from ansinh.registry.models import Household, Membership, Person

    officer, head = registry_world["officers"]["a"], registry_world["households"]["a"].head
    other = registry.household_create(actor=officer, commune=head.commune, village="Tổ 5", code="HT18073BROW02",
                                      head={"full_name": "Nguyen Van Hung", "sex": "M",
                                            "birth_date": dt.date(1968, 5, 12)})
    registry.household_add_member(actor=officer, household=other, relationship="spouse", full_name="Lê Thị Mai",
                                  sex="F", birth_date=dt.date(1970, 2, 3))
    run = MatchRun.objects.create(created_by=officer, review_threshold=0.9, auto_merge_threshold=0.999,
                                  status="finished")
    pair = CandidatePair.objects.create(run=run, person_low=head, person_high=other.head, probability=0.962,
                                        match_weight=9.8, band="review",
                                        evidence=[{"label": "Họ tên", "weight": 7.4, "agreed": True, "levels": []}])
    shots = os.environ.get("ANSINH_SHOTS")
    _log_in(page, registry_world)
    page.goto(f"{registry_world['url']}/trung-lap/cap/{pair.pk}/")
    conflict = page.locator("[data-testid=membership-conflict]")
    expect(conflict).to_contain_text("HT18073BROW01")
    expect(conflict).to_contain_text("HT18073BROW02")
    expect(conflict).to_contain_text("Lê Thị Mai")
    if shots:
        page.screenshot(path=f"{shots}/merge_conflict.png", full_page=True)
    page.check("#other-move")
    page.get_by_role("button", name="Cùng một người: gộp").click()
    page.wait_for_url(re.compile(r"/trung-lap/da-gop/\d+/$"))
    expect(page.locator("[data-testid=household-changes]")).to_contain_text("ngày rời hộ")
    if shots:
        page.screenshot(path=f"{shots}/merge_household_changes.png", full_page=True)
    wife = Person.objects.get(full_name="Lê Thị Mai")
    assert wife.household_id == registry_world["households"]["a"].pk
    assert Household.objects.get(pk=other.pk).head_id is None
    page.get_by_role("button", name="Hoàn tác lần gộp").click()
    expect(page.locator("[data-testid=merge-status]")).to_contain_text("Đã hoàn tác")
    assert Person.objects.get(pk=wife.pk).household_id == other.pk
    assert Household.objects.get(pk=other.pk).head_id == other.head_id
    assert Membership.objects.filter(household=other, left_date__isnull=True).count() == 2
