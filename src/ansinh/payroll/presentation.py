"""How payroll lines are shown: register names, the explanation link of each line (the rules' variable and the
facts of its month, ``policy.links.explanation_url``)."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode

from django.urls import reverse

from ansinh.payroll.models import REGISTER_CHOICES
from ansinh.policy.forms import EXPLAINABLE_VARIABLES
from ansinh.policy.links import explanation_url

LABELS = {code: str(label) for code, label in REGISTER_CHOICES}
VARIABLES = {
    ("ncc", "death_lump_sum"): "ncc_death_lump_sum",
    ("ncc", "funeral_support"): "ncc_funeral_support",
    ("tgxh", "funeral_support"): "tgxh_funeral_support",
}
MONTHLY = {"ncc": "ncc_monthly_allowance", "tgxh": "tgxh_monthly_allowance", "topup": "hatinh_topup_amount"}
# The variables a payroll line can settle: explained on the policy page when it offers them, otherwise on the
# payroll's own explanation page (the same explanation, ``policy.selectors.explanation_get``).
PAYROLL_VARIABLES = {*MONTHLY.values(), *VARIABLES.values()}
POLICY_EXPLAINS = {name for name, _label in EXPLAINABLE_VARIABLES}


def register_label(register: str) -> str:
    return LABELS.get(register, register)


def explanation_for(register: str, kind: str, month: dt.date, facts) -> str:
    """The explanation page of the amount a line settles: the variable of its kind, its month, its facts."""
    if isinstance(facts, str):
        try:
            facts = json.loads(facts or "{}")
        except ValueError:
            facts = {}
    facts = {k: v for k, v in (facts or {}).items() if v not in (None, "")}
    variable = VARIABLES.get((register, kind), MONTHLY.get(register, "tgxh_monthly_allowance"))
    inputs: dict = {}
    if register == "ncc":
        inputs = {k: facts[k] for k in ("ncc_category", "ncc_martyr_count", "ncc_injury_rate", "death_date")
                  if k in facts}
    elif register == "tgxh":
        inputs = {k: facts[k] for k in ("tgxh_category", "birth_date", "death_date") if k in facts}
    else:
        inputs = {"hatinh_topup_eligible": True, "household_is_urban": facts.get("is_urban") == "true",
                  **{k: facts[k] for k in ("tgxh_category", "birth_date") if k in facts}}
    if variable in POLICY_EXPLAINS:
        return explanation_url(variable, f"{month:%Y-%m}", inputs)
    query = [("variable", variable), ("period", f"{month:%Y-%m}")]
    query += [("set", f"{name}={_text(value)}") for name, value in inputs.items()]
    return f"{reverse('payroll:explain')}?{urlencode(query)}"


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
