"""Forms of the casework app: they bind and type the input; the services decide."""

from __future__ import annotations

from django import forms

from ansinh.casework.models import Channel, PetitionKind
from ansinh.payroll.models import REGISTER_CHOICES

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class Styled:
    """Bootstrap's small controls on every field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            else:
                widget.attrs.setdefault("class", "form-control form-control-sm")


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        return value.isoformat() if hasattr(value, "isoformat") else value


def _date(label: str) -> forms.DateField:
    return forms.DateField(label=label, input_formats=DATE_FORMATS, widget=DateInput)


class PetitionForm(Styled, forms.Form):
    kind = forms.ChoiceField(label="Loại đơn", choices=PetitionKind.choices)
    channel = forms.ChoiceField(label="Nguồn đơn", choices=Channel.choices)
    received_on = _date("Ngày nhận")
    commune = forms.ModelChoiceField(label="Xã/phường nơi phát sinh", queryset=None, empty_label="— Chọn —")
    petitioner_name = forms.CharField(label="Họ tên người gửi đơn", max_length=120)
    petitioner_address = forms.CharField(label="Địa chỉ", max_length=300, required=False)
    petitioner_phone = forms.CharField(label="Điện thoại", max_length=20, required=False)
    petitioner_identity = forms.CharField(label="Số định danh", max_length=12, required=False)
    summary = forms.CharField(label="Nội dung tóm tắt", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    complex_case = forms.BooleanField(label="Vụ việc phức tạp", required=False)
    remote_area = forms.BooleanField(label="Vùng sâu, vùng xa đi lại khó khăn", required=False)

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes


class AcceptForm(Styled, forms.Form):
    accepted_on = _date("Ngày thụ lý")
    handler = forms.ModelChoiceField(label="Giao cho", queryset=None, empty_label="— Chọn cán bộ —")

    def __init__(self, *args, handlers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = handlers


class RejectForm(Styled, forms.Form):
    reason = forms.CharField(label="Lý do không thụ lý", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ExtendForm(Styled, forms.Form):
    note = forms.CharField(label="Lý do gia hạn", max_length=2000)


class DecideForm(Styled, forms.Form):
    decision_number = forms.CharField(label="Số quyết định, kết luận", max_length=60)
    decision_date = _date("Ngày ký")
    outcome = forms.CharField(label="Kết quả giải quyết", widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class CloseForm(Styled, forms.Form):
    closed_on = _date("Ngày kết thúc")
    note = forms.CharField(label="Theo dõi thực hiện", max_length=2000, required=False)


class ReportForm(Styled, forms.Form):
    first = _date("Từ ngày")
    last = _date("Đến ngày")


class InspectionForm(Styled, forms.Form):
    title = forms.CharField(label="Tên cuộc thanh tra", max_length=300)
    decision_number = forms.CharField(label="Số quyết định thanh tra", max_length=60)
    decision_date = _date("Ngày quyết định")
    commune = forms.ModelChoiceField(label="Xã/phường", queryset=None, empty_label="— Chọn —")
    subject = forms.CharField(label="Đối tượng thanh tra", max_length=300)
    team = forms.CharField(label="Đoàn thanh tra", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes


class DemandForm(Styled, forms.Form):
    pid = forms.CharField(label="Số định danh của người phải nộp lại", min_length=12, max_length=12)
    register = forms.ChoiceField(label="Chế độ", choices=REGISTER_CHOICES)
    amount = forms.IntegerField(label="Số tiền (đồng)", min_value=1, max_value=10**12)
    reason = forms.CharField(label="Lý do", max_length=300)


class ConcludeForm(Styled, forms.Form):
    conclusion_number = forms.CharField(label="Số kết luận", max_length=60)
    conclusion_date = _date("Ngày kết luận")
    findings = forms.CharField(label="Nội dung kết luận", widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)
