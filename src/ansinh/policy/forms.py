"""Forms of the policy pages: bind and parse input; the rules live in services and the bridge."""

from __future__ import annotations

import datetime as dt
import re

from django import forms

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
            return dt.datetime.strptime(text, pattern).date()
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


class ExplainForm(StyledForm):
    """The variable, the period and the inputs; common inputs have their own field, others are lines."""

    variable = forms.ChoiceField(label="Khoản cần giải thích", choices=EXPLAINABLE_VARIABLES)
    period = forms.CharField(label="Kỳ tính", max_length=7, help_text="YYYY-MM (tháng) hoặc YYYY (năm)")
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
        label="Dữ liệu nhập khác", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Mỗi dòng TÊN=GIÁ_TRỊ, ví dụ covid_group_btxh=true hoặc covid_group1_off_work@2020-05=true",
    )

    COMMON = ("birth_date", "tgxh_category", "household_income_per_capita", "household_is_urban",
              "household_deprivation_count")

    def clean_period(self) -> str:
        period = self.cleaned_data["period"].strip()
        if not PERIOD.match(period):
            raise forms.ValidationError("Kỳ tính phải có dạng YYYY-MM (ví dụ 2024-07) hoặc YYYY.")
        return period

    def clean_birth_date(self) -> str:
        text = self.cleaned_data["birth_date"].strip()
        return parse_vn_day(text).isoformat() if text else ""

    def clean_household_income_per_capita(self):
        text = self.cleaned_data["household_income_per_capita"].strip()
        return parse_vn_number(text) if text else ""

    def assignments(self) -> list[str]:
        """``name=value`` lines: the common fields first, then the free lines (which win)."""
        data = self.cleaned_data
        lines = [f"{name}={data[name]}" for name in self.COMMON if data.get(name) not in (None, "")]
        lines += [line.strip() for line in data.get("extra", "").splitlines() if line.strip()]
        return lines
