"""Forms of the policy pages: bind and parse input; the rules live in services and the bridge."""

from __future__ import annotations

import datetime as dt
import re
import time

from django import forms
from django.http import QueryDict
from openfisca_core.indexed_enums import Enum

from ansinh.policy.bridge import build_tax_benefit_system
from ansinh.policy.variables.enums import TgxhCategory

NUMBER_UNITS = {"currency-VND", "coefficient", "count", "year", "points"}
INTEGER_UNITS = {"currency-VND", "count", "year", "points"}
TRUE_WORDS = {"đúng", "dung", "có", "co", "true", "1"}
FALSE_WORDS = {"sai", "không", "khong", "false", "0"}
PERIOD = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")

# The computed amounts and statuses a user may ask to explain (POLICY.md; the issue).
EXPLAINABLE_VARIABLES = [
    ("tgxh_monthly_allowance", "Trợ cấp xã hội hằng tháng (mức chuẩn × hệ số)"),
    ("tgxh_coefficient", "Hệ số trợ cấp xã hội"),
    ("tgxh_standard_level", "Mức chuẩn trợ giúp xã hội"),
    ("ncc_standard_level", "Mức chuẩn trợ cấp ưu đãi người có công"),
    ("poverty_status", "Tình trạng hộ nghèo, cận nghèo"),
    ("household_deprivation_count", "Số chỉ số thiếu hụt của hộ"),
    ("covid_support_amount", "Hỗ trợ COVID-19 trong tháng (NQ 42/NQ-CP)"),
    ("covid_support_total", "Tổng hỗ trợ COVID-19 trong năm (NQ 42/NQ-CP)"),
]
MONEY_VARIABLES = {"tgxh_monthly_allowance", "tgxh_standard_level", "ncc_standard_level",
                   "covid_support_amount", "covid_support_total"}


def parse_vn_day(text: str) -> dt.date:
    """'01/07/2026', '1/7/2026' or '2026-07-01' (a start date may be in the future)."""
    text = (text or "").strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.date(*time.strptime(text, pattern)[:3])  # a calendar day: no time, no time zone
        except ValueError:
            continue
    raise forms.ValidationError(f"«{text}» không phải là một ngày dạng dd/mm/yyyy.")


def parse_vn_number(text: str) -> int | float:
    """'540.000' -> 540000, '1,5' -> 1.5, '2.5' -> 2.5, '540000' -> 540000."""
    compact = (text or "").strip().replace(" ", "")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", compact):
        compact = compact.replace(".", "").replace(",", ".")
    elif "," in compact:
        compact = compact.replace(",", ".")
    try:
        number = float(compact)
    except ValueError:
        raise forms.ValidationError(f"«{text}» không phải là một số.") from None
    return int(number) if number.is_integer() and "." not in compact else number


def parse_parameter_value(unit: str, text: str) -> int | float | bool | str:
    """The typed value of ``text`` for a parameter of ``unit`` (the service checks it again)."""
    text = (text or "").strip()
    if not text:
        raise forms.ValidationError("Hãy nhập giá trị.")
    if unit == "boolean":
        if text.lower() in TRUE_WORDS:
            return True
        if text.lower() in FALSE_WORDS:
            return False
        raise forms.ValidationError("Tham số này nhận «đúng» hoặc «sai».")
    if unit == "date":
        return parse_vn_day(text).isoformat()
    if unit in NUMBER_UNITS:
        number = parse_vn_number(text)
        if unit in INTEGER_UNITS:
            if not float(number).is_integer():
                raise forms.ValidationError("Tham số này nhận một số nguyên.")
            return int(number)
        return float(number)
    return text


class StyledForm(forms.Form):
    """Bootstrap classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class ParameterChangeForm(StyledForm):
    parameter = forms.ChoiceField(label="Tham số")
    start = forms.CharField(label="Áp dụng từ ngày", max_length=10, help_text="dd/mm/yyyy, ví dụ 01/07/2026")
    value = forms.CharField(label="Giá trị", max_length=100,
                            help_text="Số tiền/hệ số: 540.000 hoặc 1,5 · đúng/sai · ngày dd/mm/yyyy")
    reference = forms.CharField(label="Căn cứ pháp lý", max_length=500,
                                help_text="Số văn bản, điều, ngày — ví dụ: NĐ 76/2024/NĐ-CP, Điều 1, hiệu lực 01/7/2024")
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, parameters: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.parameters = parameters
        self.fields["parameter"].choices = [("", "— Chọn tham số —")] + [
            (path, f"{path} — {info.description}") for path, info in parameters.items()
        ]

    def clean_start(self) -> dt.date:
        return parse_vn_day(self.cleaned_data["start"])

    def clean(self):
        data = super().clean()
        info = self.parameters.get(data.get("parameter", ""))
        if info is not None and "value" in data:
            try:
                data["value"] = parse_parameter_value(info.unit, data["value"])
            except forms.ValidationError as err:
                self.add_error("value", err)
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(label="Lý do từ chối", max_length=1000)


ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTH_PERIOD = re.compile(r"^(0?[1-9]|1[0-2])/(\d{4})$")
INPUT_PREFIX = "in__"  # a labelled field for one input of the rules: in__<variable> or in__<variable>__<period>


def period_from_text(text: str) -> str:
    """«12/2026», «2026-12» or «2026» → the rules' period «2026-12» / «2026»; else a Vietnamese refusal."""
    text = (text or "").strip()
    match = MONTH_PERIOD.match(text)
    if match:
        return f"{match.group(2)}-{int(match.group(1)):02d}"
    if PERIOD.match(text):
        return text
    raise forms.ValidationError(f"«{text[:20]}» không phải là kỳ tính: ghi tháng/năm (ví dụ 12/2026) hoặc chỉ năm "
                                "(ví dụ 2026).")


def period_as_typed(period: str) -> str:
    """«2026-12» → «12/2026» (how the page shows a month); a year stays a year."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", period or "")
    return f"{match.group(2)}/{match.group(1)}" if match else period


def input_field_name(variable: str, period: str = "") -> str:
    return f"{INPUT_PREFIX}{variable}" + (f"__{period}" if period else "")


def _input_field(definition, period: str) -> forms.Field:
    """The field of one rules input, labelled in Vietnamese and typed by its value type."""
    label = definition.label or definition.name
    if period:
        label += f" ({'tháng ' if '-' in period else 'năm '}{period_as_typed(period)})"
    if definition.value_type is bool:
        return forms.ChoiceField(label=label, choices=[("true", "Có"), ("false", "Không")])
    if definition.value_type is Enum:
        return forms.ChoiceField(label=label, choices=[(item.name, item.value) for item in definition.possible_values])
    help_text = {dt.date: "dd/mm/yyyy", int: "số, ví dụ 1.500.000", float: "số, ví dụ 1,5"}.get(
        definition.value_type, "")
    return forms.CharField(label=label, max_length=40, help_text=help_text)


class ExplainForm(StyledForm):
    """The variable, the period and the inputs: common inputs have their own field, the inputs a link brings
    a labelled field each (``in__…``), others are lines."""

    variable = forms.ChoiceField(label="Khoản cần giải thích", choices=EXPLAINABLE_VARIABLES)
    period = forms.CharField(label="Kỳ tính", max_length=7,
                             help_text="Tháng/năm, ví dụ 12/2026 (hoặc chỉ năm, ví dụ 2026)")
    birth_date = forms.CharField(label="Ngày sinh", required=False, max_length=10, help_text="dd/mm/yyyy")
    tgxh_category = forms.ChoiceField(
        label="Diện trợ giúp xã hội", required=False,
        choices=[("", "— Không nhập —")] + [(item.name, item.value) for item in TgxhCategory],
    )
    household_income_per_capita = forms.CharField(label="Thu nhập bình quân đầu người (đồng/tháng)",
                                                  required=False, max_length=20)
    household_is_urban = forms.ChoiceField(label="Khu vực", required=False, choices=[
        ("", "— Không nhập —"), ("true", "Thành thị"), ("false", "Nông thôn")])
    household_deprivation_count = forms.IntegerField(label="Số chỉ số thiếu hụt", required=False, min_value=0)
    extra = forms.CharField(
        label="Dữ liệu nhập khác (theo tên biến của bộ quy tắc)", required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Dành cho người soạn quy tắc: mỗi dòng TÊN_BIẾN=GIÁ_TRỊ, ví dụ covid_group_btxh=true.",
    )

    COMMON = ("birth_date", "tgxh_category", "household_income_per_capita", "household_is_urban",
              "household_deprivation_count")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        tbs = build_tax_benefit_system()
        self.inputs: dict[str, tuple[str, str]] = {}  # field name → (variable, period)
        for key in list(self.data.keys()) if self.is_bound else []:
            if not key.startswith(INPUT_PREFIX):
                continue
            variable, _, period = key.removeprefix(INPUT_PREFIX).partition("__")
            definition = tbs.variables.get(variable)
            if definition is None or variable in self.COMMON or (period and not PERIOD.match(period)):
                continue
            field = _input_field(definition, period)
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            self.fields[key] = field
            self.inputs[key] = (variable, period)
        # the labelled inputs just after the common ones, before the free lines
        self.order_fields([*(f for f in self.fields if f != "extra"), "extra"])

    def clean_period(self) -> str:
        return period_from_text(self.cleaned_data["period"])

    def clean_birth_date(self) -> str:
        text = self.cleaned_data["birth_date"].strip()
        return parse_vn_day(text).isoformat() if text else ""

    def clean_household_income_per_capita(self):
        text = self.cleaned_data["household_income_per_capita"].strip()
        return parse_vn_number(text) if text else ""

    def clean(self):
        data = super().clean()
        tbs = build_tax_benefit_system()
        for key, (variable, _period) in self.inputs.items():
            if key not in data:
                continue
            kind = tbs.variables[variable].value_type
            try:
                if kind is dt.date:
                    data[key] = parse_vn_day(data[key]).isoformat()
                elif kind in (int, float):
                    data[key] = parse_vn_number(data[key])
            except forms.ValidationError as err:
                self.add_error(key, err)
        return data

    def assignments(self) -> list[str]:
        """``name=value`` lines: the common fields, the labelled inputs, then the free lines (which win)."""
        data = self.cleaned_data
        lines = [f"{name}={data[name]}" for name in self.COMMON if data.get(name) not in (None, "")]
        lines += [f"{variable}{'@' + period if period else ''}={data[key]}"
                  for key, (variable, period) in self.inputs.items() if data.get(key) not in (None, "")]
        lines += [line.strip() for line in data.get("extra", "").splitlines() if line.strip()]
        return lines


_TRUE_WORDS, _FALSE_WORDS = {"true", "1", "có", "co", "đúng", "dung"}, {"false", "0", "không", "khong", "sai"}


def _as_typed(definition, value: str) -> str:
    """A link's value («1940-05-01», «true») as the person would type it in the field («01/05/1940», «true»)."""
    if definition.value_type is bool:
        word = value.strip().lower()
        return "true" if word in _TRUE_WORDS else "false" if word in _FALSE_WORDS else value
    if definition.value_type is dt.date and ISO_DAY.match(value):
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    return value


def explain_form_data(query: QueryDict) -> QueryDict:
    """``?set=name=value`` links fill the common fields when they can, a labelled field per input of the rules
    otherwise (``in__name`` or ``in__name__period``), the free lines for a name the rules do not know."""
    data = query.copy()
    assignments = data.pop("set", [])
    extra = [data["extra"]] if data.get("extra") else []
    variables = build_tax_benefit_system().variables
    if data.get("period"):
        data["period"] = period_as_typed(data["period"])
    if ISO_DAY.match(data.get("birth_date", "")):
        data["birth_date"] = dt.date.fromisoformat(data["birth_date"]).strftime("%d/%m/%Y")
    for assignment in assignments:
        target, _, value = assignment.partition("=")
        name, _, period = target.partition("@")
        definition = variables.get(name)
        fits = name in ExplainForm.COMMON and not period and not data.get(name)
        if name == "household_is_urban" and value not in ("true", "false"):
            fits = False
        if fits:
            data[name] = _as_typed(definition, value) if definition is not None else value
        elif definition is not None and name not in ExplainForm.COMMON and not data.get(
                input_field_name(name, period)):
            data[input_field_name(name, period)] = _as_typed(definition, value)
        else:
            extra.append(assignment)
    data["extra"] = "\n".join(extra)
    return data
