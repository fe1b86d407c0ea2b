"""Bridge between the rules (OpenFisca) and the rest of ansinh: administrator additions, parameter
listing and set-based computation over polars frames. No Django here.

Public API (used by the Django side):

- ``ParameterAddition(parameter, start, value, reference)``: a dated value entered by an administrator;
- ``build_tax_benefit_system(additions=()) -> CountryTaxBenefitSystem``;
- ``list_parameters(tbs) -> list[ParameterInfo]``;
- ``compute(frame_persons, frame_households, variables, period, additions=()) -> (persons_out, households_out)``.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from openfisca_core import periods
from openfisca_core.indexed_enums import Enum, EnumArray
from openfisca_core.parameters import Parameter, ParameterAtInstant, ParameterNode
from openfisca_core.periods import DateUnit
from openfisca_core.simulations import SimulationBuilder

from ansinh.core.errors import UserError
from ansinh.policy import CountryTaxBenefitSystem

PERSON_ID, HOUSEHOLD_ID, ROLE = "person_id", "household_id", "role"
ROLES = ("head", "member")
NUMERIC_UNITS = {"currency-VND", "coefficient", "count", "year", "points"}


class ParameterAdditionError(UserError, ValueError):
    """An administrator addition cannot be applied (unknown path, wrong type, ...)."""


class BridgeInputError(UserError, ValueError):
    """The frames given to :func:`compute` do not describe a valid population."""


@dataclass(frozen=True)
class ParameterAddition:
    """A dated value added by an administrator on top of the YAML parameters.

    The value is in force from ``start`` until the next dated value of the parameter (YAML or addition).
    """

    parameter: str
    start: datetime.date
    value: float | int | str | bool
    reference: str


@dataclass(frozen=True)
class ParameterValueInfo:
    start: datetime.date
    value: float | int | str | bool | None
    reference: str


@dataclass(frozen=True)
class ParameterInfo:
    path: str
    description: str
    unit: str
    reference: str
    values: list[ParameterValueInfo] = field(default_factory=list)
    unconfirmed: bool = False

    @property
    def has_empty_value(self) -> bool:
        """True when a dated value is empty (to be filled in by an administrator)."""
        return any(v.value is None for v in self.values)


# --- tax-benefit system and additions -------------------------------------------------------------


def build_tax_benefit_system(additions: Iterable[ParameterAddition] = ()) -> CountryTaxBenefitSystem:
    """The YAML system with ``additions`` applied in order (a later addition on the same date wins).

    Results are cached per list of additions: treat the returned system as read-only.
    """
    return _cached_system(tuple(additions))


@functools.lru_cache(maxsize=16)
def _cached_system(additions: tuple[ParameterAddition, ...]) -> CountryTaxBenefitSystem:
    tbs = CountryTaxBenefitSystem()
    for addition in additions:
        _apply_addition(tbs, addition)
    return tbs


def find_parameter(tbs: CountryTaxBenefitSystem, path: str) -> Parameter:
    """The leaf parameter at dotted ``path``; a Vietnamese error if it does not exist or is a group."""
    node = tbs.parameters
    for key in path.split("."):
        children = getattr(node, "children", None)
        if not children or key not in children:
            raise ParameterAdditionError(
                f"Không có tham số «{path}» (không tìm thấy «{key}»). Kiểm tra đường dẫn trong danh sách tham số."
            )
        node = children[key]
    if not isinstance(node, Parameter):
        raise ParameterAdditionError(f"«{path}» là một nhóm tham số, không phải tham số có giá trị.")
    return node


def parameter_at(path: str, on: datetime.date, additions: Iterable[ParameterAddition] = ()):
    """The value of the leaf parameter ``path`` in force on ``on`` (with ``additions``); ``None`` when the
    parameter is empty at that date. Dates come back as ``datetime.date``."""
    leaf = find_parameter(build_tax_benefit_system(additions), path)
    value = leaf(on.isoformat())
    if value is None:
        return None
    if leaf.metadata.get("unit") == "date" and isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value


def validate_value(parameter: Parameter, value) -> None:
    """Refuse (ParameterAdditionError, Vietnamese) a value of the wrong type for the parameter's unit."""
    unit = parameter.metadata.get("unit", "")
    path = parameter.name
    if unit == "boolean":
        if not isinstance(value, bool):
            raise ParameterAdditionError(f"Tham số «{path}» nhận giá trị đúng/sai, không nhận «{value}».")
    elif unit == "date":
        try:
            datetime.date.fromisoformat(str(value))
        except ValueError:
            raise ParameterAdditionError(
                f"Tham số «{path}» nhận một ngày dạng YYYY-MM-DD, không nhận «{value}»."
            ) from None
    elif unit == "rule":
        allowed = parameter.metadata.get("allowed_values", [])
        if value not in allowed:
            raise ParameterAdditionError(
                f"Tham số «{path}» chỉ nhận một trong các giá trị {', '.join(allowed)}, không nhận «{value}»."
            )
    elif unit in NUMERIC_UNITS and (
        isinstance(value, bool) or not isinstance(value, int | float) or value < 0
    ):
        raise ParameterAdditionError(f"Tham số «{path}» nhận một số không âm, không nhận «{value}».")


def _apply_addition(tbs: CountryTaxBenefitSystem, addition: ParameterAddition) -> None:
    if not addition.reference or not addition.reference.strip():
        raise ParameterAdditionError(
            f"Giá trị thêm cho «{addition.parameter}» phải có căn cứ pháp lý (số văn bản, điều, ngày)."
        )
    parameter = find_parameter(tbs, addition.parameter)
    validate_value(parameter, addition.value)
    start = addition.start.isoformat()
    value = str(addition.value) if parameter.metadata.get("unit") == "date" else addition.value
    new_value = ParameterAtInstant(
        f"{parameter.name}[{start}]",
        start,
        data={"value": value, "metadata": {"reference": addition.reference, "source": "administrator"}},
        metadata=parameter.metadata,
    )
    kept = [v for v in parameter.values_list if v.instant_str != start]
    parameter.values_list = sorted([*kept, new_value], key=lambda v: v.instant_str, reverse=True)


def _leaf_parameters(node: ParameterNode) -> Iterable[Parameter]:
    for child in node.children.values():
        if isinstance(child, Parameter):
            yield child
        elif isinstance(child, ParameterNode):
            yield from _leaf_parameters(child)


def _reference_text(reference) -> str:
    if isinstance(reference, list | tuple):
        return "; ".join(str(r) for r in reference)
    return "" if reference is None else str(reference)


def list_parameters(tbs: CountryTaxBenefitSystem) -> list[ParameterInfo]:
    """Every leaf parameter with its description, unit, reference and dated values (oldest first)."""
    result = []
    for parameter in _leaf_parameters(tbs.parameters):
        values = [
            ParameterValueInfo(
                start=datetime.date.fromisoformat(v.instant_str),
                value=v.value,
                reference=_reference_text(v.metadata.get("reference")),
            )
            for v in reversed(parameter.values_list)
        ]
        result.append(
            ParameterInfo(
                path=parameter.name,
                description=parameter.description or "",
                unit=str(parameter.metadata.get("unit", "")),
                reference=_reference_text(parameter.metadata.get("reference")),
                values=values,
                unconfirmed=bool(parameter.metadata.get("unconfirmed", False)),
            )
        )
    return sorted(result, key=lambda info: info.path)


# --- bulk computation -----------------------------------------------------------------------------


def compute(
    frame_persons: pl.DataFrame,
    frame_households: pl.DataFrame | None,
    variables: Sequence[str],
    period: str,
    additions: Iterable[ParameterAddition] = (),
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """Compute ``variables`` for ``period`` over a whole population, set-based (no loop over rows).

    ``frame_persons`` has ``person_id``, ``household_id``, ``role`` ('head' or 'member') and one column
    per person input variable; ``frame_households`` (optional) has ``household_id`` and household
    input columns. ETERNITY inputs are set once; other inputs for ``period`` (a year given for a
    monthly input is applied to each month). Enums are given and returned as their names.

    A monthly variable asked for a year: numbers are summed over the 12 months (column ``name``);
    enums and booleans give one column per month, ``name_YYYY-MM``.

    Returns ``(persons_out, households_out)``: ``person_id`` (resp. ``household_id``) followed by the
    computed columns of that entity, in the input order; ``households_out`` is None when no household
    variable was asked.
    """
    tbs = build_tax_benefit_system(additions)
    period_ = periods.period(period)
    unknown = [name for name in variables if name not in tbs.variables]
    if unknown:
        raise BridgeInputError(f"Biến không tồn tại: {', '.join(unknown)}.")

    person_ids = _column(frame_persons, PERSON_ID).to_numpy()
    household_of_person = _column(frame_persons, HOUSEHOLD_ID)
    if frame_households is None:
        frame_households = pl.DataFrame({HOUSEHOLD_ID: household_of_person.unique(maintain_order=True)})
    household_ids = _column(frame_households, HOUSEHOLD_ID).to_numpy()
    _check_unique(frame_persons, PERSON_ID)
    _check_unique(frame_households, HOUSEHOLD_ID)

    builder = SimulationBuilder()
    builder.create_entities(tbs)
    # Set ids directly: ``declare_person_entity`` copies them through a Python list (slow at 10⁶ rows).
    persons, households = builder.populations["person"], builder.populations["household"]
    persons.ids, persons.count = person_ids, len(person_ids)
    households.ids, households.count = household_ids, len(household_ids)
    _join_households(households, frame_persons, frame_households)
    simulation = builder.build(tbs)

    _set_inputs(simulation, tbs, frame_persons, "person", {PERSON_ID, HOUSEHOLD_ID, ROLE}, period_)
    _set_inputs(simulation, tbs, frame_households, "household", {HOUSEHOLD_ID}, period_)

    person_columns, household_columns = {}, {}
    for name in variables:
        target = household_columns if tbs.variables[name].entity.key == "household" else person_columns
        target.update(_calculate(simulation, tbs.variables[name], period_))

    persons_out = pl.DataFrame({PERSON_ID: frame_persons[PERSON_ID], **person_columns})
    households_out = None
    if household_columns:
        households_out = pl.DataFrame({HOUSEHOLD_ID: frame_households[HOUSEHOLD_ID], **household_columns})
    return persons_out, households_out


def _column(frame: pl.DataFrame, name: str) -> pl.Series:
    if name not in frame.columns:
        raise BridgeInputError(f"Thiếu cột «{name}».")
    series = frame[name]
    if series.null_count():
        raise BridgeInputError(f"Cột «{name}» có {series.null_count()} giá trị trống.")
    return series


def _check_unique(frame: pl.DataFrame, name: str) -> None:
    if frame[name].n_unique() != frame.height:
        duplicated = frame[name].filter(frame[name].is_duplicated()).unique().head(5).to_list()
        raise BridgeInputError(f"Cột «{name}» có mã trùng: {duplicated}.")


def _join_households(households, frame_persons: pl.DataFrame, frame_households: pl.DataFrame) -> None:
    """Vectorised membership: each person's household index and role (at most one head per household)."""
    index = frame_households.select(HOUSEHOLD_ID).with_row_index("_household_index")
    joined = frame_persons.select(HOUSEHOLD_ID).join(
        index, on=HOUSEHOLD_ID, how="left", maintain_order="left"
    )
    position = joined["_household_index"]
    if position.null_count():
        missing = joined.filter(position.is_null())[HOUSEHOLD_ID].unique().head(5).to_list()
        raise BridgeInputError(f"Người thuộc hộ không có trong bảng hộ: {missing}.")
    roles = _column(frame_persons, ROLE)
    bad_roles = roles.filter(~roles.is_in(ROLES)).unique().head(5).to_list()
    if bad_roles:
        raise BridgeInputError(f"Cột «role» chỉ nhận 'head' hoặc 'member', không nhận {bad_roles}.")
    members_entity_id = position.to_numpy().astype(np.int64)
    is_head = (roles == "head").to_numpy()
    heads = np.bincount(members_entity_id[is_head], minlength=frame_households.height)
    if np.any(heads > 1):
        several = frame_households[HOUSEHOLD_ID].filter(pl.Series(heads > 1)).head(5).to_list()
        raise BridgeInputError(f"Hộ có nhiều hơn một chủ hộ: {several}.")
    head_role, member_role = (getattr(households.entity, key.upper()) for key in ROLES)
    role_objects = np.empty(len(members_entity_id), dtype=object)
    role_objects[is_head] = head_role
    role_objects[~is_head] = member_role
    households.members_entity_id = members_entity_id
    # The public setter copies through a Python list (seconds at 10⁶ rows); the array is already final.
    households._members_role = role_objects


def _set_inputs(simulation, tbs, frame: pl.DataFrame, entity_key: str, id_columns: set, period_) -> None:
    for name in frame.columns:
        if name in id_columns:
            continue
        variable = tbs.variables.get(name)
        if variable is None:
            raise BridgeInputError(f"Cột «{name}» không phải là biến của hệ thống quy tắc.")
        if variable.entity.key != entity_key:
            raise BridgeInputError(
                f"Biến «{name}» thuộc đối tượng {variable.entity.key}, không thuộc {entity_key}."
            )
        input_period = (
            periods.period(DateUnit.ETERNITY) if variable.definition_period == DateUnit.ETERNITY else period_
        )
        simulation.set_input(name, input_period, _to_input_array(_column(frame, name), variable))


def _to_input_array(series: pl.Series, variable) -> np.ndarray:
    if variable.value_type == Enum:
        names = [item.name for item in variable.possible_values]
        unknown = series.filter(~series.cast(pl.String).is_in(names)).unique().head(5).to_list()
        if unknown:
            raise BridgeInputError(f"Cột «{variable.name}» có giá trị không hợp lệ: {unknown}.")
        indices = series.cast(pl.String).cast(pl.Enum(names)).to_physical().to_numpy().astype(np.int16)
        return EnumArray(indices, variable.possible_values)
    if variable.value_type == datetime.date:
        if series.dtype == pl.String:
            series = series.str.to_date()
        return series.cast(pl.Date).to_numpy().astype("datetime64[D]")
    return series.to_numpy().astype(variable.dtype)


def _to_output_series(array) -> pl.Series | np.ndarray:
    if isinstance(array, EnumArray):
        names = pl.Series([item.name for item in array.possible_values], dtype=pl.String)
        return names.gather(pl.Series(np.asarray(array.view(np.ndarray), dtype=np.uint32)))
    return array


def _calculate(simulation, variable, period_) -> dict[str, object]:
    name = variable.name
    if variable.definition_period == period_.unit or variable.definition_period == DateUnit.ETERNITY:
        return {name: _to_output_series(simulation.calculate(name, period_))}
    if variable.definition_period == DateUnit.MONTH and period_.unit == DateUnit.YEAR:
        if variable.value_type in (int, float):
            return {name: simulation.calculate_add(name, period_)}
        return {
            f"{name}_{str(month)}": _to_output_series(simulation.calculate(name, month))
            for month in period_.get_subperiods(DateUnit.MONTH)
        }
    raise BridgeInputError(
        f"Biến «{name}» được định nghĩa theo {variable.definition_period}, không tính được cho kỳ {period_}."
    )
