"""Normalisation: NFC, folding (tones and Đ), name parts, birth precision, identity numbers, communes."""

from __future__ import annotations

import datetime as dt
import unicodedata

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from ansinh.core.text import fold
from ansinh.matching.normalize import prepare_records

VIETNAMESE = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
ALPHABET = VIETNAMESE + VIETNAMESE.upper() + "  -.'\t0123456789"
names = st.text(alphabet=ALPHABET, min_size=1, max_size=40)


def _prep(**cols) -> pl.DataFrame:
    n = len(next(iter(cols.values())))
    return prepare_records(pl.DataFrame({"unique_id": list(range(1, n + 1)), **cols}))


@settings(max_examples=50, deadline=None)
@given(st.lists(names, min_size=1, max_size=20))
def test_folded_name_equals_core_fold_and_is_idempotent(values):
    out = _prep(full_name=values)
    for raw, folded in zip(values, out["full_name_f"].to_list(), strict=True):
        assert (folded or "") == fold(raw)
        assert fold(folded or "") == (folded or "")


@settings(max_examples=50, deadline=None)
@given(st.lists(names, min_size=1, max_size=20))
def test_names_are_nfc_whatever_the_input_form(values):
    decomposed = [unicodedata.normalize("NFD", v) for v in values]
    out = _prep(full_name=decomposed)
    assert out["full_name"].to_list() == _prep(full_name=values)["full_name"].to_list()
    for name in out["full_name"].drop_nulls():
        assert unicodedata.is_normalized("NFC", name)


def test_d_bar_is_folded_and_parts_are_split():
    out = _prep(full_name=["ĐẶNG  Văn Đức", "Nguyễn Thị Minh Khai", "Lê Hoa", "Nguyen Thi Hoa"])
    assert out["full_name_f"].to_list() == ["dang van duc", "nguyen thi minh khai", "le hoa", "nguyen thi hoa"]
    assert out["family_f"].to_list() == ["dang", "nguyen", "le", "nguyen"]
    assert out["middle_f"].to_list() == ["van", "thi minh", None, "thi"]
    assert out["given_f"].to_list() == ["duc", "khai", "hoa", "hoa"]
    # typed without tones: the tones cannot be compared
    assert out["full_name_tone"].to_list()[3] is None
    assert out["full_name_tone"].to_list()[0] == "đặng văn đức"


def test_birth_date_keeps_its_precision_and_swap_shares_a_blocking_key():
    out = _prep(birth_date=["15/03/1980", "03/15/1980", "1975", "04/1960", "1980-03-15", "xx"])
    # an impossible month keeps the year only
    assert out["birth_precision"].to_list() == ["day", "year", "year", "month", "day", None]
    assert out["birth_year"].to_list() == [1980, 1980, 1975, 1960, 1980, None]
    assert out["birth_day"].to_list()[2:4] == [None, None]
    swapped = _prep(birth_date=[dt.date(1980, 3, 5), dt.date(1980, 5, 3)], birth_precision=["day", "day"])
    assert swapped["dm_key"][0] == swapped["dm_key"][1]
    assert swapped["birth_date_key"][0] != swapped["birth_date_key"][1]


def test_date_with_year_precision_drops_day_and_month():
    out = _prep(birth_date=[dt.date(1950, 1, 1)], birth_precision=["year"])
    assert out.select("birth_year", "birth_month", "birth_day", "birth_date_key").row(0) == (1950, None, None, None)


def test_pid_and_cmnd_are_told_apart_by_length_and_pid_digits_decoded():
    out = _prep(
        pid=["042180001234", "183456789", "42080001234", None],
        cmnd=[None, None, None, "042300001234"],
        sex=["F", "M", "Nam", "nữ"],
    )
    assert out["pid"].to_list() == ["042180001234", None, "042080001234", "042300001234"]
    assert out["cmnd"].to_list() == [None, "183456789", None, None]
    assert out["pid_sex"].to_list() == ["F", None, "M", "F"]
    assert out["pid_year"].to_list() == [1980, None, 1980, 2000]
    assert out["sex"].to_list() == ["F", "M", "M", "F"]


def test_old_commune_code_maps_to_the_current_commune(units):
    old, new = next(iter((o, n) for o, n in units.old_to_new.items() if o != n))
    out = prepare_records(pl.DataFrame({"unique_id": [1, 2, 3], "commune_code": [old, new, "zzz"]}),
                          commune_map=units.old_to_new)
    assert out["commune_now"].to_list() == [new, new, "zzz"]
    assert out["commune_code"].to_list() == [old, new, "zzz"]


def test_placeholder_dates_do_not_block_but_are_kept_for_comparison():
    n = 200
    dates = [dt.date(2000, 1, 1)] * 120 + [dt.date(1950 + i % 50, 1 + i % 12, 1 + i % 28) for i in range(n - 120)]
    out = prepare_records(pl.DataFrame({"unique_id": range(n), "birth_date": dates}))
    assert out["birth_date_key"][0] == "2000-01-01"
    assert out["date_block"][0] is None and out["dm_key"][0] is None
    assert out["date_block"][150] is not None


def test_other_identifier_is_letters_and_digits_upper_case():
    out = _prep(full_name=["A B", "C D", "E F"], other_id=["ha-123 456", "  ", None])
    assert out["other_id"].to_list() == ["HA123456", None, None]
    assert _prep(full_name=["A B"])["other_id"].to_list() == [None]  # no such column: null
