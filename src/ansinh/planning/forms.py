"""Forms of the plan's definition pages: they bind what was typed into typed values with Vietnamese messages — days
as «14/06/2020» (``core.dates.parse_vn_day``), figures as «25.000» or «41,5» (``services.plan.decimal_value``, shown
back with ``core.formatting.vn_number``); what makes a definition acceptable is the services' (each refusal goes back
next to its field)."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from ansinh.core.dates import DateError, parse_vn_day
from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_number
from ansinh.planning.models import (
    Aggregation,
    Indicator,
    IssuerLevel,
    OrgUnit,
    PeriodKind,
    ReportingPeriod,
    Rounding,
    Section,
    Source,
    TaskKind,
    WorkField,
)
from ansinh.planning.queries import QUERIES
from ansinh.planning.services.plan import CODE, decimal_value

_TEXT = {"class": "form-control form-control-sm"}
_SELECT = {"class": "form-select form-select-sm"}
_REQUIRED = {"required": "Không được để trống."}
BREAKDOWNS = [("sex", "Giới tính"), ("commune", "Xã, phường")]


class _TypedText(forms.Field):
    """Text typed into one input, read into a value by ``read`` (a Vietnamese message when it cannot be)."""

    max_length = 30

    def __init__(self, *, attrs: dict, **kwargs):
        kwargs.setdefault("error_messages", _REQUIRED)
        kwargs.setdefault("widget", forms.TextInput(attrs={**_TEXT, "autocomplete": "off", **attrs,
                                                           "maxlength": str(self.max_length)}))
        super().__init__(**kwargs)

    def read(self, text: str):
        raise NotImplementedError

    def to_python(self, value):
        text = "" if value in self.empty_values else str(value).strip()
        if not text:
            return None
        if len(text) > self.max_length or "\x00" in text:
            raise forms.ValidationError(f"«{text[:20]}…» không hợp lệ (tối đa {self.max_length} ký tự).")
        return self.read(text)


class DayField(_TypedText):
    """A day typed as the office writes it: 14/06/2020."""

    def __init__(self, **kwargs):
        super().__init__(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}, **kwargs)

    def read(self, text: str):
        try:
            return parse_vn_day(text)
        except DateError as err:
            raise forms.ValidationError(str(err)) from None

    def prepare_value(self, value):
        return value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else value


class FigureField(_TypedText):
    """A figure the Vietnamese way: «25.000», «197,1»; shown back the same way."""

    def __init__(self, **kwargs):
        super().__init__(attrs={"inputmode": "decimal"}, **kwargs)

    def read(self, text: str):
        try:
            return decimal_value(text, label="Số")
        except DomainError as err:
            raise forms.ValidationError(err.message) from None

    def prepare_value(self, value):
        if isinstance(value, Decimal | int):
            return vn_number(value, 0 if Decimal(value) == Decimal(value).to_integral() else 2)
        return value


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return obj.name + (f" (đến {obj.valid_to:%d/%m/%Y})" if obj.valid_to else "")


class UnitsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return obj.name + (f" (đến {obj.valid_to:%d/%m/%Y})" if obj.valid_to else "")


class Styled:
    """Bootstrap's small controls on every field; one Vietnamese message for an empty required field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            else:
                widget.attrs.setdefault("class", "form-control form-control-sm")
            field.error_messages["required"] = _REQUIRED["required"]


def _text(label: str, max_length: int, *, required: bool = True, rows: int = 0, help_text: str = "") -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput
    return forms.CharField(label=label, max_length=max_length, required=required, widget=widget, help_text=help_text)


def _year(label: str = "Năm") -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=2000, max_value=2100,
                              error_messages={"invalid": "Ghi năm bằng 4 chữ số, ví dụ 2020.",
                                              "min_value": "Năm từ 2000 đến 2100.", "max_value": "Năm từ 2000 đến 2100."})


# ---------------------------------------------------------------- indicators and targets

class IndicatorForm(Styled, forms.Form):
    code = _text("Mã chỉ tiêu", 60, help_text="Chữ không dấu, chữ số, «_» hoặc «-», ví dụ jobs_found; dùng trong tệp "
                                              "Excel và trong văn bản ([[n:mã]]).")
    name = _text("Tên chỉ tiêu", 300)
    measure_unit = _text("Đơn vị tính", 40, help_text="người, hộ, triệu đồng…")
    field = forms.ChoiceField(label="Lĩnh vực", choices=WorkField.choices)
    aggregation = forms.ChoiceField(label="Cách cộng dồn từ đơn vị cấp dưới", choices=Aggregation.choices)
    source = forms.ChoiceField(label="Nguồn số liệu", choices=Source.choices)
    query = forms.ChoiceField(label="Truy vấn tính (chỉ với nguồn «tính từ dữ liệu của hệ thống»)", required=False,
                              choices=[("", "— Không —"), *((q.name, f"{q.name}: {q.label}") for q in QUERIES.values())])
    breakdowns = forms.MultipleChoiceField(label="Phân tổ", choices=BREAKDOWNS, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    percent_rounding = forms.ChoiceField(label="Cách làm tròn tỷ lệ % kế hoạch (2 chữ số thập phân)",
                                         choices=Rounding.choices)
    description = _text("Định nghĩa", 4000, required=False, rows=3)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not CODE.fullmatch(code):
            raise forms.ValidationError("Mã chỉ tiêu gồm chữ không dấu, chữ số, «_» hoặc «-» (tối đa 60 ký tự), ví dụ "
                                        "jobs_found.")
        return code


class IndicatorEditForm(IndicatorForm):
    """The definition corrected. When targets or figures rest on it (``used``), its code, aggregation and source say
    so under their inputs (the service refuses a change of them, next to the field)."""

    active = forms.BooleanField(label="Đang dùng (bỏ chọn: không còn giao kế hoạch, không hiện trên bảng điều hành)",
                                required=False)

    field_order = ["code", "name", "measure_unit", "field", "aggregation", "source", "query", "breakdowns",
                   "percent_rounding", "description", "active"]

    def __init__(self, *args, used: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if used:
            for name in ("code", "aggregation", "source"):
                self.fields[name].help_text = (f"Không đổi được: chỉ tiêu đã có {used}.")

    @staticmethod
    def initial_of(indicator: Indicator) -> dict:
        return {name: getattr(indicator, name) for name in (
            "code", "name", "measure_unit", "field", "aggregation", "source", "query", "breakdowns",
            "percent_rounding", "description", "active")}


class TargetForm(Styled, forms.Form):
    indicator = forms.ModelChoiceField(label="Chỉ tiêu", queryset=Indicator.objects.none(), empty_label="— Chọn —")
    unit = UnitChoice(label="Đơn vị được giao", queryset=OrgUnit.objects.none(), empty_label="— Chọn —")
    year = _year("Năm kế hoạch")
    value = FigureField(label="Kế hoạch (chỉ tiêu giao)", help_text="Ví dụ 25.000 hoặc 197,1")
    reason = _text("Căn cứ giao / lý do điều chỉnh", 300, help_text="Số, ngày quyết định giao kế hoạch…")

    def __init__(self, *args, indicators, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators
        self.fields["unit"].queryset = units


class TargetAdjustForm(Styled, forms.Form):
    value = FigureField(label="Kế hoạch điều chỉnh")
    reason = _text("Lý do điều chỉnh (căn cứ)", 300)


# ---------------------------------------------------------------- report forms and obligations

class ReportFormForm(Styled, forms.Form):
    code = _text("Mã biểu", 40, help_text="Chữ không dấu, chữ số, «_» hoặc «-», ví dụ bc-6-thang")
    name = _text("Tên báo cáo", 200)
    period_kind = forms.ChoiceField(label="Kỳ báo cáo", choices=PeriodKind.choices)
    indicators = forms.ModelMultipleChoiceField(label="Chỉ tiêu đơn vị báo cáo", queryset=Indicator.objects.none(),
                                                widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = indicators


class ObligationForm(Styled, forms.Form):
    unit = UnitChoice(label="Đơn vị báo cáo", queryset=OrgUnit.objects.none(), empty_label="— Chọn —")
    due_days = forms.IntegerField(label="Hạn gửi (số ngày sau ngày chốt số liệu)", min_value=0, max_value=90,
                                  error_messages={"invalid": "Ghi số ngày (số nguyên).",
                                                  "min_value": "Số ngày từ 0 đến 90.",
                                                  "max_value": "Số ngày từ 0 đến 90."})
    valid_from = DayField(label="Áp dụng từ ngày")
    valid_to = DayField(label="Đến ngày (để trống: không thời hạn)", required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class ObligationEndForm(Styled, forms.Form):
    last_day = DayField(label="Ngày cuối áp dụng")


# ---------------------------------------------------------------- tasks

class TaskForm(Styled, forms.Form):
    year = _year()
    code = _text("Số hiệu", 30, help_text="Ví dụ NVK-12")
    kind = forms.ChoiceField(label="Loại", choices=TaskKind.choices, initial=TaskKind.FRAMEWORK)
    title = _text("Nội dung nhiệm vụ", 4000, rows=3)
    field = forms.ChoiceField(label="Lĩnh vực", choices=[("", "— Không —"), *WorkField.choices], required=False)
    owner = UnitChoice(label="Đơn vị chủ trì", queryset=OrgUnit.objects.none(), empty_label="— Chọn —")
    co_units = UnitsChoice(label="Đơn vị phối hợp", queryset=OrgUnit.objects.none(), required=False,
                           widget=forms.SelectMultiple(attrs={"size": 6}))
    assigned_on = DayField(label="Ngày giao")
    deadline = DayField(label="Hạn hoàn thành")
    product = _text("Sản phẩm", 300, required=False, help_text="Văn bản, báo cáo, đề án… phải có khi hoàn thành")

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = self.fields["co_units"].queryset = units


class TaskEditForm(Styled, forms.Form):
    """The office corrects a task; a new deadline needs its reason (kept in the task's deadline history)."""

    title = _text("Nội dung nhiệm vụ", 4000, rows=3)
    field = forms.ChoiceField(label="Lĩnh vực", choices=[("", "— Không —"), *WorkField.choices], required=False)
    owner = UnitChoice(label="Đơn vị chủ trì", queryset=OrgUnit.objects.none(), empty_label="— Chọn —")
    co_units = UnitsChoice(label="Đơn vị phối hợp", queryset=OrgUnit.objects.none(), required=False,
                           widget=forms.SelectMultiple(attrs={"size": 6}))
    product = _text("Sản phẩm", 300, required=False)
    deadline = DayField(label="Hạn hoàn thành (đang áp dụng)")
    deadline_reason = _text("Lý do, căn cứ đổi hạn (chỉ khi đổi hạn)", 300, required=False,
                            help_text="Ví dụ: Giám đốc Sở đồng ý gia hạn tại Công văn số 512/SLĐTBXH-VP ngày 20/6/2020")

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = self.fields["co_units"].queryset = units

    @staticmethod
    def initial_of(task) -> dict:
        return {"title": task.title, "field": task.field, "owner": task.owner_id, "product": task.product,
                "co_units": [u.pk for u in task.co_units.all()], "deadline": task.deadline}


# ---------------------------------------------------------------- conclusions

class ConclusionForm(Styled, forms.Form):
    title = _text("Trích yếu", 500, help_text="Ví dụ: Kết luận của Giám đốc Sở tại Hội nghị sơ kết 6 tháng đầu năm")
    meeting_date = DayField(label="Ngày họp")
    period = forms.ModelChoiceField(label="Kỳ đánh giá", queryset=ReportingPeriod.objects.none(),
                                    empty_label="— Chọn —")
    opening = _text("Phần mở đầu", 5000, required=False, rows=3)
    closing = _text("Phần kết", 5000, required=False, rows=2)
    signer_name = _text("Người ký", 120)
    signer_title = _text("Chức vụ người ký", 120)
    authority = _text("Thẩm quyền ký", 40)
    recipients = _text("Nơi nhận (mỗi dòng một nơi)", 4000, required=False, rows=3)

    def __init__(self, *args, periods, **kwargs):
        kwargs.setdefault("initial", {"signer_title": "CHÁNH VĂN PHÒNG", "authority": "TL. GIÁM ĐỐC"})
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = periods

    def clean_recipients(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("recipients", "").splitlines() if line.strip()]


class ConclusionItemForm(Styled, forms.Form):
    section = forms.ChoiceField(label="Phần", choices=Section.choices)
    heading = _text("Tiểu mục (nếu bắt đầu một tiểu mục mới)", 200, required=False,
                    help_text="Ví dụ: 1. Lĩnh vực Lao động – Việc làm")
    numbered = forms.BooleanField(label="Đánh số (phần I)", required=False)
    text = _text("Nội dung", 5000, rows=3, help_text="Số liệu ghi bằng mã: [[n:jobs_found]], [[pct:jobs_found]]…")
    units = UnitsChoice(label="Đơn vị thực hiện (đơn vị đầu tiên chủ trì)", queryset=OrgUnit.objects.none(),
                        required=False, widget=forms.SelectMultiple(attrs={"size": 6}))
    make_task = forms.BooleanField(label="Giao thành nhiệm vụ", required=False)
    task_code = _text("Số hiệu nhiệm vụ", 30, required=False)
    task_deadline = DayField(label="Hạn hoàn thành", required=False)
    task_product = _text("Sản phẩm", 300, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units

    def clean(self):
        data = super().clean()
        if data.get("make_task"):
            if not data.get("task_code") and "task_code" not in self.errors:
                self.add_error("task_code", "Ghi số hiệu của nhiệm vụ được giao.")
            if not data.get("task_deadline") and "task_deadline" not in self.errors:
                self.add_error("task_deadline", "Ghi hạn hoàn thành của nhiệm vụ.")
        return data


class ConclusionItemEditForm(Styled, forms.Form):
    """A paragraph corrected before the notice is issued; ``units`` only for a paragraph not made a task."""

    heading = ConclusionItemForm.base_fields["heading"]
    numbered = ConclusionItemForm.base_fields["numbered"]
    text = ConclusionItemForm.base_fields["text"]
    units = ConclusionItemForm.base_fields["units"]

    def __init__(self, *args, units, with_units: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if with_units:
            self.fields["units"].queryset = units
        else:
            del self.fields["units"]

    @staticmethod
    def initial_of(item) -> dict:
        return {"heading": item.heading, "numbered": item.numbered, "text": item.text,
                "units": [u.pk for u in item.units.all()]}


class IssueForm(Styled, forms.Form):
    issued_on = DayField(label="Ngày ban hành")


# ---------------------------------------------------------------- the incoming-document register

class IncomingForm(Styled, forms.Form):
    received_on = DayField(label="Ngày đến")
    issuer_name = _text("Cơ quan ban hành", 200, help_text="Ví dụ: Chính phủ; Bộ Lao động - TBXH; UBND tỉnh Hà Tĩnh")
    level = forms.ChoiceField(label="Cấp ban hành", choices=[("", "— chọn —"), *IssuerLevel.choices])
    symbol = _text("Số và ký hiệu", 60, help_text="Ví dụ: 42/NQ-CP")
    issued_on = DayField(label="Ngày ban hành")
    summary = _text("Trích yếu", 500, rows=2)
    advised = forms.BooleanField(label="Sở tham mưu ban hành (văn bản của tỉnh)", required=False)
    handling_unit = UnitChoice(label="Đơn vị xử lý", queryset=OrgUnit.objects.none(), required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handling_unit"].queryset = units
