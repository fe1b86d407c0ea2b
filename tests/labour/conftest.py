from __future__ import annotations

import datetime as dt

import pytest

from labour import factories as f


@pytest.fixture
def job_centre(province):
    return f.job_centre(province)


@pytest.fixture
def vocational(province):
    return f.vocational(province)


@pytest.fixture
def people(commune_a, commune_b):
    """Registry people of two communes: adults, a 14-year-old, a woman with only a CMND."""
    return {
        "an": f.person(commune_b, "Nguyễn Văn An", birth=dt.date(1985, 3, 2)),
        "binh": f.person(commune_b, "Trần Thị Bình", sex="F", birth=dt.date(1992, 7, 9)),
        "cuong": f.person(commune_b, "Lê Văn Cường", birth=dt.date(1970, 11, 20)),
        "dung": f.person(commune_b, "Phạm Thị Dung", sex="F", birth=dt.date(1964, 1, 5), pid=None, cmnd="183111222"),
        "em": f.person(commune_b, "Hoàng Văn Em", birth=dt.date(2006, 9, 1)),  # 13 on 1/7/2020
        "giang": f.person(commune_a, "Võ Thị Giang", sex="F", birth=dt.date(1998, 4, 4)),
        "hung": f.person(commune_b, "Đặng Quốc Hùng", birth=dt.date(1979, 6, 15), pid=None),  # no number at all
    }
