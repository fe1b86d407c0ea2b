"""OpenFisca entities of the ansinh rules: a person and the household they belong to."""

from openfisca_core.entities import build_entity

Household = build_entity(
    key="household",
    plural="households",
    label="Hộ gia đình",
    doc="Hộ gia đình theo sổ hộ khẩu / danh sách rà soát hộ nghèo, hộ cận nghèo.",
    roles=[
        {"key": "head", "label": "Chủ hộ", "max": 1, "doc": "Chủ hộ (tối đa một người)."},
        {"key": "member", "plural": "members", "label": "Thành viên", "doc": "Các thành viên khác của hộ."},
    ],
)

Person = build_entity(
    key="person",
    plural="persons",
    label="Cá nhân",
    doc="Một người trong cơ sở dữ liệu an sinh.",
    is_person=True,
)

entities = [Household, Person]
