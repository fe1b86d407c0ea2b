import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansinh.core.text import fold
from ansinh.registry.ethnicities import ETHNICITIES, ETHNICITY_CHOICES, ethnicity_code_for


def test_the_54_groups_are_numbered_01_to_54_in_order():
    assert [code for code, _ in ETHNICITIES] == [f"{i:02d}" for i in range(1, 55)]
    assert len({name for _, name in ETHNICITIES}) == 54
    assert ETHNICITY_CHOICES == ETHNICITIES


def test_names_are_stored_nfc():
    assert all(unicodedata.normalize("NFC", name) == name for _, name in ETHNICITIES)


@pytest.mark.parametrize(
    ("code", "name"),
    [("01", "Kinh"), ("03", "Thái"), ("04", "Hoa"), ("05", "Khơ-me"), ("06", "Mường"), ("08", "HMông"),
     ("23", "Bru-Vân Kiều"), ("37", "Lào"), ("44", "Chứt"), ("53", "Ơ Đu"), ("54", "Rơ-măm")],
)
def test_official_codes_of_well_known_groups(code, name):
    assert dict(ETHNICITIES)[code] == name


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("kinh", "01"), ("KINH", "01"), (" Kinh ", "01"), ("Việt", "01"), ("Dân tộc Kinh", "01"),
        ("Hmong", "08"), ("Mông", "08"), ("H'Mông", "08"), ("H’mông", "08"), ("Mèo", "08"),
        ("Thái", "03"), ("thai", "03"), ("Khmer", "05"), ("Khơ Me", "05"), ("Ê Đê", "12"), ("ede", "12"),
        ("Ba Na", "13"), ("Bru - Vân Kiều", "23"), ("Vân Kiều", "23"), ("Cờ Lao", "47"), ("Chứt", "44"),
        ("1", "01"), ("01", "01"), ("8", "08"), ("54", "54"),
    ],
)
def test_code_for_names_as_typed_in_excel_lists(typed, code):
    assert ethnicity_code_for(typed) == code


@pytest.mark.parametrize("typed", ["", None, "   ", "0", "55", "99", "Kinh Thái", "xyz", "Người nước ngoài"])
def test_unknown_values_give_none(typed):
    assert ethnicity_code_for(typed) is None


@given(
    index=st.integers(min_value=0, max_value=53),
    strip_marks=st.booleans(),
    case=st.sampled_from(["lower", "upper", "title", "keep"]),
    joiner=st.sampled_from(["-", " ", ""]),
)
def test_every_name_is_found_whatever_the_spelling(index, strip_marks, case, joiner):
    code, name = ETHNICITIES[index]
    typed = fold(name) if strip_marks else name
    typed = typed.replace("-", " ").replace(" ", joiner)
    typed = {"lower": typed.lower(), "upper": typed.upper(), "title": typed.title(), "keep": typed}[case]
    assert ethnicity_code_for(typed) == code
