from __future__ import annotations

import datetime as dt

import pytest

from programmes import factories as f


@pytest.fixture
def programme(provincial):
    return f.covid_programme(provincial)


@pytest.fixture
def appraiser(province):
    return f.second_provincial(province)


@pytest.fixture
def world(commune_a, commune_b):
    """People of two communes on the registers, each one a case a check or the generation must handle."""
    p = {}
    p["ncc_btxh"] = f.person(commune_a, "Nguyễn Văn An", birth=dt.date(1945, 3, 2))
    p["ncc_dead"] = f.person(commune_a, "Trần Văn Bình", birth=dt.date(1930, 1, 1), death=dt.date(2020, 2, 10))
    p["ncc_bad_pid"] = f.person(commune_a, "Lê Thị Cúc", sex="F", birth=dt.date(1950, 1, 1), pid="042055000777")
    p["ncc_ended"] = f.person(commune_a, "Phạm Văn Dũng", birth=dt.date(1940, 1, 1))
    p["twin_1"] = f.person(commune_a, "Hoàng Thị Én", sex="F", birth=dt.date(1938, 7, 7))
    p["twin_2"] = f.person(commune_a, "Hoàng Thị Én", sex="F", birth=dt.date(1938, 7, 7))
    head = f.person(commune_b, "Võ Văn Giang", birth=dt.date(1970, 2, 2))
    wife = f.person(commune_b, "Đặng Thị Hà", sex="F", birth=dt.date(1972, 3, 3))
    died = f.person(commune_b, "Võ Văn Ích", birth=dt.date(1935, 3, 3), death=dt.date(2020, 3, 1))
    p["poor_head"], p["poor_wife"], p["poor_died"] = head, wife, died
    hh = f.household(commune_b, "HTPOOR01", [head, wife, died])
    late_head = f.person(commune_b, "Bùi Văn Khoa", birth=dt.date(1980, 1, 1))
    late = f.household(commune_b, "HTLATE01", [late_head])
    f.enrol("ncc", commune=commune_a, who=p["ncc_btxh"])
    f.enrol("tgxh", commune=commune_a, who=p["ncc_btxh"], category="elderly_80_no_pension")
    f.enrol("ncc", commune=commune_a, who=p["ncc_dead"])
    f.enrol("ncc", commune=commune_a, who=p["ncc_bad_pid"])
    f.enrol("ncc", commune=commune_a, who=p["ncc_ended"], end=dt.date(2019, 10, 31))
    f.enrol("tgxh", commune=commune_a, who=p["twin_1"], category="elderly_80_no_pension")
    f.enrol("tgxh", commune=commune_a, who=p["twin_2"], category="elderly_80_no_pension")
    f.enrol("poor", commune=commune_b, hh=hh, start=dt.date(2019, 1, 1))
    f.enrol("near_poor", commune=commune_b, hh=late, start=dt.date(2020, 1, 1))
    p["late_head"] = late_head
    return p
