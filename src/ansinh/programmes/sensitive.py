"""Health and disability data in the registers — sensitive personal data (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15,
NĐ 356/2025/NĐ-CP): the one place that says which register categories and fields reveal a person's health, and
how they are shown to a role that does not need them (``accounts.models.HEALTH_READERS``).

A TGXH category naming a disability or HIV, an NCC category of war invalids, sick soldiers, people affected by
Agent Orange (and their carers, whose category names the disability of the person they serve), and the injury
rate (tỷ lệ tổn thương) of any NCC record. The other categories (an orphan child, an elderly person…) are shown
as they are: they are what the register is about. Used by the payroll pages and the API; the export of
everything held about one person (given to that person) keeps them whole."""

from __future__ import annotations

from ansinh.accounts.permissions import can_see_health

HEALTH_TGXH_CATEGORIES = frozenset({"disabled_especially_severe", "disabled_severe", "child_hiv_poor_household",
                                    "adult_hiv_poor_household"})
HEALTH_NCC_CATEGORIES = frozenset({"war_invalid", "war_invalid_b", "sick_soldier", "agent_orange", "caregiver"})
HEALTH_FIELDS = frozenset({"ncc_injury_rate"})
MASKED = "(dữ liệu sức khoẻ, khuyết tật: không hiển thị)"


def reveals_health(category: str | None) -> bool:
    """A TGXH or NCC category code that names a disability, an illness or an injury."""
    return bool(category) and (category in HEALTH_TGXH_CATEGORIES or category in HEALTH_NCC_CATEGORIES)


def category_for(user, category: str | None, label: str | None = None) -> str:
    """The category (its label when given) as ``user`` may see it; masked when it reveals health."""
    if not category:
        return ""
    if reveals_health(category) and not can_see_health(user):
        return MASKED
    return label if label is not None else category


def health_field_for(user, value):
    """The value of a health field (the injury rate) for ``user``: None for a role that does not need it."""
    return value if can_see_health(user) else None


def facts_for(user, facts: dict) -> dict:
    """A payroll line's facts without what reveals health, for a role that does not need it."""
    if can_see_health(user):
        return facts
    return {k: v for k, v in facts.items()
            if k not in HEALTH_FIELDS and not (k in ("tgxh_category", "ncc_category") and reveals_health(v))}
