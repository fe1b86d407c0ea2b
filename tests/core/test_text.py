"""Vietnamese folding: the Python function and the Polars expression agree; NFC; đ folds to d."""

import unicodedata

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from ansinh.core.text import clean_name, clean_name_expr, fold, fold_expr, split_name

VIETNAMESE = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
letters = st.sampled_from(VIETNAMESE + VIETNAMESE.upper() + " -.'")
names = st.text(alphabet=letters, min_size=0, max_size=40)


def test_fold_examples():
    assert fold("Nguyễn Thị Hoà") == "nguyen thi hoa"
    assert fold("ĐẶNG Văn Đức") == "dang van duc"
    assert fold("  Hồ   Thị\tBích-Ngọc ") == "ho thi bich ngoc"


@given(names)
def test_fold_is_idempotent_and_ascii(name):
    folded = fold(name)
    assert fold(folded) == folded
    assert folded.isascii()


@given(names)
def test_fold_ignores_normal_form(name):
    assert fold(unicodedata.normalize("NFD", name)) == fold(unicodedata.normalize("NFC", name))


@given(st.lists(names, min_size=1, max_size=20))
def test_fold_expression_equals_function(values):
    nfd = [unicodedata.normalize("NFD", v) for v in values]
    frame = pl.DataFrame({"n": values + nfd})
    assert frame.select(fold_expr(pl.col("n"))).to_series().to_list() == [fold(v) for v in values + nfd]


@given(st.lists(names, min_size=1, max_size=20))
def test_clean_name_expression_equals_function(values):
    nfd = [unicodedata.normalize("NFD", v) for v in values]
    frame = pl.DataFrame({"n": nfd})
    assert frame.select(clean_name_expr(pl.col("n"))).to_series().to_list() == [clean_name(v) for v in nfd]


def test_clean_name_is_nfc():
    assert clean_name("Nguye\u0302\u0303n  Văn ") == unicodedata.normalize("NFC", "Nguyễn Văn")


def test_split_name():
    assert split_name("Nguyễn Thị Minh Khai") == ("Nguyễn", "Thị Minh", "Khai")
    assert split_name("Hoa") == ("", "", "Hoa")
