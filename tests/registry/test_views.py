"""Registry pages through the test client: what each role sees, searches and forms."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from ansinh.registry import services
from ansinh.registry.models import Household, Membership, Person, Relationship

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Argon2 is tested in tests/accounts/test_login.py; here users only need to exist."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def client_for(client, user):
    client.force_login(user)
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


def by_testid(response, name: str) -> str:
    """The text inside the element carrying ``data-testid=name`` (tags stripped)."""
    match = re.search(rf'<(\w+)[^>]*data-testid="{re.escape(name)}"[^>]*>(.*?)</\1>', response.content.decode(), re.S)
    assert match, f"no element data-testid={name!r} in the page"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(2))).split())


def results(response) -> str:
    """The search results table only (not the filter form above it)."""
    match = re.search(r'data-testid="person-results".*?</table>', response.content.decode(), re.S)
    assert match, "no results table"
    return html.unescape(match.group(0))


def add(household, actor, **overrides) -> Person:
    data = {"full_name": "Nguyễn Thị Hoa", "sex": "F", "birth_date": dt.date(1992, 3, 8),
            "birth_precision": "day", "relationship": Relationship.CHILD}
    data.update(overrides)
    return services.household_add_member(actor=actor, household=household, **data)


def member_post(**overrides) -> dict:
    data = {"full_name": "Nguyễn Thị Hoa", "sex": "F", "birth": "08/03/1992", "ethnicity_code": "01",
            "pid": "", "cmnd": "", "social_insurance_no": "", "phone": "", "relationship": "child", "joined": ""}
    data.update(overrides)
    return data


def persons_url(**params) -> str:
    from urllib.parse import urlencode

    return reverse("registry:person_list") + ("?" + urlencode(params) if params else "")


# ---------------------------------------------------------------- scoping and roles

def test_commune_officer_lists_only_own_commune(client, officer_a, household_a, household_b):
    page = results(client_for(client, officer_a).get(persons_url()))
    assert "Nguyễn Văn Hùng" in page
    assert "Trần Thị Đào" not in page


def test_commune_officer_search_never_returns_another_commune(client, officer_a, household_a, household_b,
                                                              officer_b):
    add(household_b, officer_b, full_name="Nguyễn Thị Hoa", birth_date=dt.date(1990, 1, 1))
    client_for(client, officer_a)
    for query in ("Trần Thị Đào", "tran thi dao", "183456789", household_b.code, "Nguyễn Thị Hoa"):
        page = results(client.get(persons_url(q=query)))
        assert "Trần Thị Đào" not in page and "Nguyễn Thị Hoa" not in page, query
    # even asking for the other commune explicitly
    assert "Trần Thị Đào" not in results(client.get(persons_url(commune=household_b.commune_id)))
    assert "Trần Thị Đào" not in text(client.get(reverse("registry:household_list") + "?q=tran thi dao"))


def test_home_page_counts_only_own_commune(client, officer_a, household_a, household_b, officer_b):
    add(household_b, officer_b, full_name="Lê Văn Bình", sex="M", birth_date=dt.date(1980, 1, 1))
    page = client_for(client, officer_a).get(reverse("web:home"))
    assert by_testid(page, "count-households") == "1"
    assert by_testid(page, "count-persons") == "1"
    assert "Phường Thành Sen" in text(page) and "Xã Cẩm Bình" not in text(page)


def test_home_page_counts_province_for_provincial(client, provincial, household_a, household_b, officer_b):
    add(household_b, officer_b, full_name="Lê Văn Bình", sex="M", birth_date=dt.date(1980, 1, 1))
    page = client_for(client, provincial).get(reverse("web:home"))
    assert by_testid(page, "count-households") == "2"
    assert by_testid(page, "count-persons") == "3"


@pytest.mark.parametrize("name", ["registry:person_detail", "registry:person_edit"])
def test_other_communes_person_is_404(client, officer_a, household_b, name):
    response = client_for(client, officer_a).get(reverse(name, args=[household_b.head_id]))
    assert response.status_code == 404


def test_other_communes_household_is_404_and_post_changes_nothing(client, officer_a, household_b):
    client_for(client, officer_a)
    assert client.get(reverse("registry:household_detail", args=[household_b.pk])).status_code == 404
    response = client.post(reverse("registry:household_add_member", args=[household_b.pk]), member_post())
    assert response.status_code == 404
    assert Membership.objects.filter(household=household_b).count() == 1


def test_provincial_specialist_sees_both_communes(client, provincial, household_a, household_b):
    client_for(client, provincial)
    page = results(client.get(persons_url()))
    assert "Nguyễn Văn Hùng" in page and "Trần Thị Đào" in page
    for household in (household_a, household_b):
        assert client.get(reverse("registry:household_detail", args=[household.pk])).status_code == 200
        assert client.get(reverse("registry:person_detail", args=[household.head_id])).status_code == 200


def test_inspector_reads_but_cannot_write(client, inspector, household_a):
    client_for(client, inspector)
    head = household_a.head
    assert "Nguyễn Văn Hùng" in results(client.get(persons_url()))
    assert client.get(reverse("registry:household_detail", args=[household_a.pk])).status_code == 200
    before = (Person.objects.count(), Household.objects.count(), Membership.objects.count())

    # refused outright: the page an inspector sees has no form to show an error on
    response = client.post(reverse("registry:household_add_member", args=[household_a.pk]), member_post())
    assert response.status_code == 403
    assert client.post(reverse("registry:person_edit", args=[head.pk]),
                       member_post(full_name="Tên Bị Sửa")).status_code == 403
    assert client.post(reverse("registry:household_create"), {}).status_code == 403
    response = client.post(reverse("registry:person_death", args=[head.pk]), {"death": "01/01/2024"}, follow=True)
    assert "không được phép thay đổi" in text(response)
    response = client.post(reverse("registry:household_move", args=[household_a.pk]),
                           {"commune": household_a.commune_id, "village": "Thôn Khác"})
    assert response.status_code == 403

    head.refresh_from_db()
    household_a.refresh_from_db()
    assert head.full_name == "Nguyễn Văn Hùng" and head.death_date is None
    assert household_a.village == "Tổ dân phố 3"
    assert (Person.objects.count(), Household.objects.count(), Membership.objects.count()) == before


@pytest.mark.parametrize("name", ["registry:person_list", "registry:household_list", "registry:import_upload"])
def test_payment_agent_cannot_open_registry(client, payment_agent, household_a, name):
    assert client_for(client, payment_agent).get(reverse(name)).status_code == 403


def test_payment_agent_cannot_open_a_person_or_household(client, payment_agent, household_a):
    client_for(client, payment_agent)
    assert client.get(reverse("registry:person_detail", args=[household_a.head_id])).status_code in (403, 404)
    assert client.get(reverse("registry:household_detail", args=[household_a.pk])).status_code in (403, 404)


def test_identity_numbers_masked_for_leader(client, leader, household_a, household_b):
    client_for(client, leader)
    pages = [
        text(client.get(persons_url())),
        text(client.get(reverse("registry:person_detail", args=[household_a.head_id]))),
        text(client.get(reverse("registry:household_detail", args=[household_a.pk]))),
        text(client.get(reverse("registry:person_detail", args=[household_b.head_id]))),
    ]
    for page in pages:
        assert "042068001234" not in page and "183456789" not in page
    assert "04206*****34" in pages[0] and "04206*****34" in pages[2]
    assert "18345**89" in pages[3]


def test_identity_numbers_visible_to_officer(client, officer_a, household_a):
    client_for(client, officer_a)
    assert "042068001234" in results(client.get(persons_url()))
    assert "042068001234" in text(client.get(reverse("registry:household_detail", args=[household_a.pk])))


def _pid_errors(response) -> str:
    return by_testid(response, "error-pid")


def test_duplicate_pid_error_names_holder_in_own_area(client, officer_a, household_a):
    response = client_for(client, officer_a).post(
        reverse("registry:household_add_member", args=[household_a.pk]),
        member_post(full_name="Người Khác", sex="M", birth="1968", pid="042068001234"))
    assert response.status_code == 422
    error = _pid_errors(response)
    assert "042068001234 đã được cấp cho Nguyễn Văn Hùng" in error


def test_duplicate_pid_error_hides_holder_outside_area(client, officer_b, household_a, household_b):
    response = client_for(client, officer_b).post(
        reverse("registry:household_add_member", args=[household_b.pk]),
        member_post(full_name="Người Khác", sex="M", birth="1968", pid="042068001234"))
    assert response.status_code == 422
    error = _pid_errors(response)
    assert "ngoài địa bàn" in error
    assert "Hùng" not in text(response) and "Thành Sen" not in text(response)
    assert Person.objects.filter(pid="042068001234").count() == 1


# ---------------------------------------------------------------- search

@pytest.fixture
def people_a(household_a, officer_a):
    return {
        "hoa": add(household_a, officer_a),
        "duc": add(household_a, officer_a, full_name="Đặng Văn Đức", sex="M", birth_date=dt.date(1990, 6, 1),
                   pid="042090004321"),
        "child": add(household_a, officer_a, full_name="Nguyễn Minh Khang", sex="M",
                     birth_date=dt.date(TODAY.year - 10, 1, 1), relationship=Relationship.GRANDCHILD),
        "elder": add(household_a, officer_a, full_name="Lê Thị Tý", sex="F", birth_date=dt.date(TODAY.year - 85, 1, 1),
                     birth_precision="year", relationship=Relationship.PARENT, cmnd="183111222"),
    }


def test_search_without_diacritics_finds_name(client, officer_a, people_a):
    page = results(client_for(client, officer_a).get(persons_url(q="nguyen thi hoa")))
    assert "Nguyễn Thị Hoa" in page
    assert "Nguyễn Văn Hùng" not in page and "Đặng Văn Đức" not in page


def test_search_folds_d_stroke(client, officer_a, people_a):
    page = results(client_for(client, officer_a).get(persons_url(q="dang van duc")))
    assert "Đặng Văn Đức" in page and "Nguyễn Thị Hoa" not in page


def test_search_by_identity_number(client, officer_a, people_a):
    """The number goes in the POST body (the search form), never in the URL."""
    client_for(client, officer_a)
    page = results(client.post(reverse("registry:person_list"), {"q": "042090004321"}))
    assert "Đặng Văn Đức" in page and "Nguyễn Văn Hùng" not in page
    page = results(client.post(reverse("registry:person_list"), {"q": "183111222"}))
    assert "Lê Thị Tý" in page and "Đặng Văn Đức" not in page


def test_an_identity_number_in_the_url_is_not_searched(client, officer_a, people_a):
    response = client_for(client, officer_a).get(persons_url(q="042090004321"))
    html = response.content.decode()
    assert "Đặng Văn Đức" not in results(response) and 'data-testid="identity-not-in-url"' in html
    assert "042090004321" not in html  # not even echoed back in the search box
    form = html[html.index('id="person-search"') - 200:html.index('id="person-search"') + 400]
    assert 'method="post"' in form and "hx-post" in form and "hx-push-url" not in form


def test_search_by_household_code_lists_its_members(client, officer_a, people_a, household_a, household_b):
    page = results(client_for(client, officer_a).get(persons_url(q=household_a.code.lower())))
    for name in ("Nguyễn Văn Hùng", "Nguyễn Thị Hoa", "Đặng Văn Đức", "Nguyễn Minh Khang", "Lê Thị Tý"):
        assert name in page
    assert "Trần Thị Đào" not in page


def test_filters_by_sex_age_band_and_status(client, officer_a, people_a):
    client_for(client, officer_a)
    women = results(client.get(persons_url(sex="F")))
    assert "Nguyễn Thị Hoa" in women and "Lê Thị Tý" in women
    assert "Đặng Văn Đức" not in women and "Nguyễn Văn Hùng" not in women

    children = results(client.get(persons_url(age="6-15")))
    assert "Nguyễn Minh Khang" in children and "Nguyễn Thị Hoa" not in children and "Lê Thị Tý" not in children
    elders = results(client.get(persons_url(age="80+")))
    assert "Lê Thị Tý" in elders and "Nguyễn Minh Khang" not in elders

    year_only = results(client.get(persons_url(status="year_only")))
    assert "Lê Thị Tý" in year_only and "Nguyễn Thị Hoa" not in year_only
    cmnd_only = results(client.get(persons_url(status="cmnd_only")))
    assert "Lê Thị Tý" in cmnd_only and "Nguyễn Văn Hùng" not in cmnd_only
    no_id = results(client.get(persons_url(status="no_id")))
    assert "Nguyễn Thị Hoa" in no_id and "Nguyễn Minh Khang" in no_id and "Đặng Văn Đức" not in no_id

    services.person_record_death(actor=officer_a, person=people_a["elder"], death_date=dt.date(2024, 1, 1))
    dead = results(client.get(persons_url(status="dead")))
    assert "Lê Thị Tý" in dead and "Nguyễn Thị Hoa" not in dead
    assert "Lê Thị Tý" not in results(client.get(persons_url(status="alive")))
    # filters combine with the text query
    assert "Nguyễn Thị Hoa" not in results(client.get(persons_url(q="nguyen thi hoa", sex="M")))


def test_htmx_search_returns_only_the_rows(client, officer_a, people_a):
    response = client_for(client, officer_a).get(persons_url(q="dang van duc"), headers={"HX-Request": "true"})
    body = text(response)
    assert "Đặng Văn Đức" in body and "<html" not in body


# ---------------------------------------------------------------- forms

def test_add_member_with_disagreeing_pid_shows_reason_and_writes_nothing(client, officer_a, household_a):
    client_for(client, officer_a)
    url = reverse("registry:household_add_member", args=[household_a.pk])
    before = Person.objects.count()
    response = client.post(url, member_post(pid="042092001111"))  # digit 4 = 0: a man
    assert response.status_code == 422
    error = _pid_errors(response)
    assert "Số định danh cá nhân không khớp" in error and "giới tính là nữ" in error
    assert Person.objects.count() == before
    # the form keeps what was typed
    assert 'value="Nguyễn Thị Hoa"' in text(response)

    response = client.post(url, member_post(pid="042192001111"))
    assert response.status_code == 302
    person = Person.objects.get(pid="042192001111")
    assert person.full_name == "Nguyễn Thị Hoa" and person.household_id == household_a.pk
    page = client.get(reverse("registry:household_detail", args=[household_a.pk]))
    members = by_testid(page, "members")
    assert "Nguyễn Thị Hoa" in members and "Con" in members and TODAY.strftime("%d/%m/%Y") in members
    assert "Đã thêm Nguyễn Thị Hoa vào hộ" in text(page)


def test_added_member_appears_in_household_history(client, officer_a, household_a):
    client_for(client, officer_a)
    client.post(reverse("registry:household_add_member", args=[household_a.pk]), member_post(pid="042192001111"))
    page = client.get(reverse("registry:household_detail", args=[household_a.pk]))
    assert "Nguyễn Thị Hoa" in by_testid(page, "history")


def test_impossible_date_is_refused(client, officer_a, household_a):
    response = client_for(client, officer_a).post(
        reverse("registry:household_add_member", args=[household_a.pk]), member_post(birth="31/02/1990"))
    assert response.status_code == 422
    assert "Ngày 31/02/1990 không tồn tại" in by_testid(response, "error-birth")
    assert not Person.objects.filter(full_name="Nguyễn Thị Hoa").exists()


def test_double_post_creates_the_person_once(client, officer_a, household_a):
    client_for(client, officer_a)
    url = reverse("registry:household_add_member", args=[household_a.pk])
    data = member_post(pid="042192001111")
    assert client.post(url, data).status_code == 302
    second = client.post(url, data)
    assert second.status_code == 422
    assert "042192001111 đã được cấp cho Nguyễn Thị Hoa" in _pid_errors(second)
    assert Person.objects.filter(full_name="Nguyễn Thị Hoa").count() == 1
    assert Membership.objects.filter(household=household_a).count() == 2


def test_double_post_without_identity_number_creates_the_person_once(client, officer_a, household_a):
    client_for(client, officer_a)
    url = reverse("registry:household_add_member", args=[household_a.pk])
    client.post(url, member_post())
    client.post(url, member_post())
    assert Person.objects.filter(full_name="Nguyễn Thị Hoa").count() == 1


def test_create_household_through_the_form(client, officer_a, commune_a, commune_b):
    client_for(client, officer_a)
    data = {**member_post(full_name="Phạm Văn Toàn", sex="M", birth="1975", pid="042075009999"),
            "commune": commune_a.pk, "village": "Tổ dân phố 5", "address_detail": ""}
    response = client.post(reverse("registry:household_create"), data)
    assert response.status_code == 302
    household = Household.objects.get(head__full_name="Phạm Văn Toàn")
    assert household.commune == commune_a and household.head.birth_display == "1975"
    # a commune outside the area is not even a choice
    response = client.post(reverse("registry:household_create"),
                           {**data, "commune": commune_b.pk, "pid": "042075009998"})
    assert response.status_code == 200
    assert Household.objects.count() == 1


def test_not_found_page_is_in_vietnamese(client, officer_a, household_b, settings):
    settings.DEBUG = False
    response = client_for(client, officer_a).get(reverse("registry:household_detail", args=[household_b.pk]))
    assert response.status_code == 404
    assert "nằm ngoài địa bàn bạn được phân công" in response.content.decode()


def test_missing_numbers_show_a_dash_not_none(client, officer_a, household_a):
    from ansinh.registry import services
    from ansinh.registry.models import Relationship

    services.household_add_member(actor=officer_a, household=household_a, relationship=Relationship.CHILD,
                                  full_name="Nguyễn Thị Không Số", sex="F", birth_date=dt.date(2010, 1, 1))
    page = client_for(client, officer_a).get(reverse("registry:person_list"), {"q": "khong so"})
    rows = by_testid(page, "person-results")
    assert "Nguyễn Thị Không Số" in rows and "None" not in rows
