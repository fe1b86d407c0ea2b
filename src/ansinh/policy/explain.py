"""Explain one computed value: the tree of variables and parameters behind it, with the dates the
parameter values apply from and their legal references (built from OpenFisca's tracer).

``explain(variable, period, inputs, additions=())`` computes for one person in one household.
``inputs`` maps a variable name to a value (applied to ``period``, or once for ETERNITY variables) or
to ``{period: value}`` for other periods. Values may be text (as typed in a form or on the command
line): enums by name, booleans as true/false/có/không/1/0, dates as YYYY-MM-DD.
"""

from __future__ import annotations

import contextlib
import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from openfisca_core import periods
from openfisca_core.indexed_enums import Enum, EnumArray
from openfisca_core.periods import DateUnit
from openfisca_core.simulations import SimulationBuilder

from ansinh.policy.bridge import BridgeInputError, ParameterAddition, build_tax_benefit_system

PERSON, HOUSEHOLD = "p1", "h1"
TRUE_WORDS = {"true", "1", "yes", "có", "co", "đúng", "dung"}
FALSE_WORDS = {"false", "0", "no", "không", "khong", "sai"}


@dataclass
class ParameterUse:
    path: str
    instant: str
    value: Any
    start: str | None
    reference: str
    description: str
    unit: str


@dataclass
class ExplanationNode:
    variable: str
    period: str
    value: Any
    label: str
    reference: str
    source: str  # "nhập" (input), "tính" (formula) or "mặc định" (default value)
    kind: str = ""  # "bool", "enum", "date", "int", "float" or "text": how the page shows ``value``
    unit: str = ""  # "currency-VND" for an amount in đồng
    value_label: str = ""  # an enum value's Vietnamese label
    parameters: list[ParameterUse] = field(default_factory=list)
    children: list[ExplanationNode] = field(default_factory=list)


@dataclass
class Explanation:
    variable: str
    period: str
    value: Any
    tree: ExplanationNode

    def to_dict(self) -> dict:
        """Plain data for the web UI (JSON-serialisable)."""
        return {
            "variable": self.variable,
            "period": self.period,
            "value": self.value,
            "tree": asdict(self.tree),
        }

    def to_text(self) -> str:
        """Vietnamese text: the value on the first line, then the chain of variables and parameters."""
        lines = [f"{self.variable} [{self.period}] = {_show(self.value)}"]
        _render(self.tree, lines, prefix="", is_root=True)
        return "\n".join(lines)


def explain(
    variable: str,
    period: str,
    inputs: Mapping[str, Any],
    additions: Iterable[ParameterAddition] = (),
) -> Explanation:
    tbs = build_tax_benefit_system(additions)
    if variable not in tbs.variables:
        raise BridgeInputError(f"Biến không tồn tại: {variable}.")
    period_ = str(periods.period(period))
    persons, households = {PERSON: {}}, {HOUSEHOLD: {"head": [PERSON]}}
    for name, raw in inputs.items():
        definition = tbs.variables.get(name)
        if definition is None:
            raise BridgeInputError(f"Biến nhập không tồn tại: {name}.")
        target = households[HOUSEHOLD] if definition.entity.key == "household" else persons[PERSON]
        target[name] = _dated_values(definition, raw, period_)

    simulation = SimulationBuilder().build_from_entities(tbs, {"persons": persons, "households": households})
    simulation.trace = True
    definition = tbs.variables[variable]
    value = simulation.calculate(variable, period_)
    root = simulation.tracer.trees[-1]
    tree = _node(root, tbs, set(inputs))
    return Explanation(variable=variable, period=period_, value=_scalar(value, definition), tree=tree)


def _bool_from_text(text: str, definition) -> bool:
    if text.lower() in TRUE_WORDS:
        return True
    if text.lower() in FALSE_WORDS:
        return False
    raise ValueError(text)


def _enum_from_text(text: str, definition) -> str:
    if text not in [item.name for item in definition.possible_values]:
        raise ValueError(text)
    return text


# value type -> (text, definition) -> the value OpenFisca expects; ValueError when the text is not one.
_FROM_TEXT = {
    bool: _bool_from_text,
    int: lambda text, definition: int(_number_text(text)),
    float: lambda text, definition: float(_number_text(text)),
    datetime.date: lambda text, definition: datetime.date.fromisoformat(text).isoformat(),
    Enum: _enum_from_text,
}


def coerce_value(definition, raw: Any) -> Any:
    """Convert ``raw`` (possibly text) to the Python value OpenFisca expects for ``definition``."""
    if not isinstance(raw, str):
        return raw.isoformat() if isinstance(raw, datetime.date) else raw
    text = raw.strip()
    convert = _FROM_TEXT.get(definition.value_type)
    if convert is None:
        return text
    try:
        return convert(text, definition)
    except ValueError:
        raise BridgeInputError(
            f"Giá trị «{raw}» không hợp lệ cho biến «{definition.name}» ({_type_name(definition)})."
        ) from None


def _number_text(text: str) -> str:
    """Accept Vietnamese thousands separators: ``1.500.000`` or ``1.500.000,5``."""
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", text):
        return text.replace(".", "").replace(",", ".")
    return text.replace(" ", "")


def _type_name(definition) -> str:
    if definition.value_type == Enum:
        return "một trong: " + ", ".join(item.name for item in definition.possible_values)
    return {bool: "đúng/sai", int: "số nguyên", float: "số", datetime.date: "ngày YYYY-MM-DD"}.get(
        definition.value_type, "văn bản"
    )


def _dated_values(definition, raw, period_: str) -> dict:
    if isinstance(raw, Mapping):
        return {str(key): coerce_value(definition, value) for key, value in raw.items()}
    key = "ETERNITY" if definition.definition_period == DateUnit.ETERNITY else period_
    return {key: coerce_value(definition, raw)}


def _scalar(array, definition=None) -> Any:
    if isinstance(array, EnumArray):
        return str(array.decode_to_str()[0])
    if array is None:
        return None
    return _item_value(np.asarray(array).reshape(-1)[0] if np.ndim(array) else array)


def _item_value(item) -> Any:
    """A NumPy scalar as the plain Python value shown in explanations."""
    if isinstance(item, np.datetime64):
        return str(item.astype("datetime64[D]"))
    if isinstance(item, np.bool_ | bool):
        return bool(item)
    if isinstance(item, np.integer):
        return int(item)
    if isinstance(item, np.floating):
        value = float(item)
        return round(value, 6)
    return item.item() if hasattr(item, "item") else item


def _parameter_use(trace_parameter, tbs) -> ParameterUse:
    path, instant = trace_parameter.name, str(trace_parameter.period)
    node = tbs.parameters
    for key in path.split("."):
        node = getattr(node, "children", {}).get(key, node)
    start, reference = None, ""
    description, unit = getattr(node, "description", "") or "", ""
    metadata = getattr(node, "metadata", {}) or {}
    unit = str(metadata.get("unit", ""))
    for value_at_instant in getattr(node, "values_list", []):
        if value_at_instant.instant_str <= instant:
            start = value_at_instant.instant_str
            reference = str(value_at_instant.metadata.get("reference", metadata.get("reference", "")))
            break
    return ParameterUse(
        path=path,
        instant=instant,
        value=_scalar(trace_parameter.value),
        start=start,
        reference=reference,
        description=description,
        unit=unit,
    )


def _node(trace, tbs, given: set[str]) -> ExplanationNode:
    definition = tbs.variables[trace.name]
    if trace.name in given:
        source = "nhập"
    elif definition.formulas and not definition.is_input_variable():
        source = "tính"
    else:
        source = "mặc định"
    value = _scalar(trace.value, definition)
    return ExplanationNode(
        variable=trace.name,
        period=str(trace.period),
        value=value,
        label=definition.label or "",
        reference=_reference(definition.reference),
        source=source,
        kind=value_kind(definition),
        unit=value_unit(definition),
        value_label=enum_label(definition, value),
        parameters=_unique_parameters(trace, tbs),
        children=_unique_children(trace, tbs, given),
    )


def value_kind(definition) -> str:
    """How a variable's values are shown: bool, enum, date, int, float or text."""
    return {bool: "bool", int: "int", float: "float", datetime.date: "date", Enum: "enum"}.get(
        definition.value_type, "text")


_MONEY_LABEL = re.compile(r"\(đồng|đồng\)|\bđồng/")


def value_unit(definition) -> str:
    """«currency-VND» for the amounts in đồng (their label says so), else ""."""
    return "currency-VND" if definition.value_type in (int, float) and _MONEY_LABEL.search(
        definition.label or "") else ""


def enum_label(definition, value) -> str:
    """The Vietnamese label of an enum value given by name ('' for other variables or an unknown name)."""
    if definition.value_type != Enum or not isinstance(value, str):
        return ""
    for item in definition.possible_values:
        if item.name == value:
            return str(item.value)
    return ""


@dataclass
class InputShown:
    """One typed input as the page shows it: the variable's label, its period and its value."""

    variable: str
    period: str  # "" for the explanation's period (or an ETERNITY variable)
    value: Any
    label: str
    kind: str
    unit: str
    value_label: str


def describe_inputs(inputs: Mapping[str, Any], additions: Iterable[ParameterAddition] = ()) -> list[InputShown]:
    """The inputs of an explanation with their labels (an unknown variable is left out: ``explain`` names it)."""
    tbs = build_tax_benefit_system(additions)
    shown: list[InputShown] = []
    for name, raw in inputs.items():
        definition = tbs.variables.get(name)
        if definition is None:
            continue
        dated = raw.items() if isinstance(raw, Mapping) else [("", raw)]
        for period_, value in dated:
            with contextlib.suppress(BridgeInputError):  # explain() refuses it with its message
                value = coerce_value(definition, value)
            shown.append(InputShown(variable=name, period=str(period_), value=value, label=definition.label or name,
                                    kind=value_kind(definition), unit=value_unit(definition),
                                    value_label=enum_label(definition, value)))
    return shown


def _unique_parameters(trace, tbs) -> list[ParameterUse]:
    seen, uses = set(), []
    for parameter in trace.parameters:
        key = (parameter.name, str(parameter.period))
        if key not in seen:
            seen.add(key)
            uses.append(_parameter_use(parameter, tbs))
    return uses


def _unique_children(trace, tbs, given) -> list[ExplanationNode]:
    """Children in call order, each (variable, period) once (OpenFisca records repeated reads)."""
    seen, children = set(), []
    for child in trace.children:
        key = (child.name, str(child.period))
        if key not in seen:
            seen.add(key)
            children.append(_node(child, tbs, given))
    return children


def _reference(reference) -> str:
    if isinstance(reference, list | tuple):
        return "; ".join(str(r) for r in reference)
    return reference or ""


def _show(value) -> str:
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) >= 1000 else f"{value:g}"
    return str(value)


def _render(node: ExplanationNode, lines: list[str], prefix: str, is_root: bool = False) -> None:
    if is_root:
        detail = node.label + (f" — căn cứ: {node.reference}" if node.reference else "")
        lines.append(detail)
        child_prefix = ""
    else:
        child_prefix = prefix
    items = [("p", p) for p in node.parameters] + [("v", c) for c in node.children]
    for index, (kind, item) in enumerate(items):
        last = index == len(items) - 1
        branch = "└── " if last else "├── "
        continuation = child_prefix + ("    " if last else "│   ")
        if kind == "p":
            since = f"áp dụng từ {item.start}" if item.start else "không có giá trị tại ngày này"
            lines.append(
                f"{child_prefix}{branch}tham số {item.path} = {_show(item.value)}"
                f" ({since}; căn cứ: {item.reference or 'không ghi'})"
            )
        else:
            lines.append(
                f"{child_prefix}{branch}{item.variable} [{item.period}] = {_show(item.value)}"
                f" ({item.source}) — {item.label}"
            )
            _render(item, lines, continuation)
