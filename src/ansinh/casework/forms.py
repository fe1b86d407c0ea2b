"""Forms of the casework app: they bind and type the input; the services decide."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from ansinh.casework.models import Channel, PetitionKind, ReceptionOutcome, ReceptionSession, RefusalGround
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


class SecondTimeFields(forms.Form):
    """The fields of a second-time complaint (khiếu nại lần hai, Luật Khiếu nại 2011, Điều 33), shared by the petition
    form and the reception register's form; they come last in both (``__init__``)."""

    second_time = forms.BooleanField(label="Khiếu nại lần hai (đối với quyết định giải quyết lần đầu)", required=False)
    first_petition_number = forms.CharField(label="Số đơn khiếu nại lần đầu (nếu đơn đó có trong hệ thống, ví dụ "
                                                  "2026/00012)", max_length=20, required=False)
    first_decision_number = forms.CharField(label="Số quyết định giải quyết lần đầu (khi đơn lần đầu không có ở đây)",
                                            max_length=60, required=False)
    first_decision_date = forms.DateField(label="Ngày quyết định lần đầu", input_formats=DATE_FORMATS,
                                          widget=DateInput, required=False)
    first_decision_received_on = forms.DateField(label="Ngày người khiếu nại nhận được quyết định lần đầu",
                                                 input_formats=DATE_FORMATS, widget=DateInput, required=False)
    late_reason = forms.CharField(label="Trở ngại khách quan (nếu quá thời hạn khiếu nại lần hai)",
                                  widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)

    SECOND_TIME = ("second_time", "first_petition_number", "first_decision_number", "first_decision_date",
                   "first_decision_received_on", "late_reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields([name for name in self.fields if name not in self.SECOND_TIME] + list(self.SECOND_TIME))


class PetitionForm(Styled, SecondTimeFields):
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
    late_reason = forms.CharField(label="Trở ngại khách quan (khiếu nại lần hai nộp quá hạn)", max_length=2000,
                                  required=False)

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


EARLIEST, LATEST = dt.date(1990, 1, 1), dt.date(2100, 12, 31)  # the register and the reports' range of dates


class ReportForm(Styled, forms.Form):
    first = _date("Từ ngày")
    last = _date("Đến ngày")

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last and not (EARLIEST <= first <= last <= LATEST):
            raise forms.ValidationError("Kỳ báo cáo: từ ngày không sau đến ngày (từ năm 1990).")
        return data


class ReceptionForm(Styled, SecondTimeFields):
    """One entry of the register of citizen reception (Thông tư 04/2021/TT-TTCP, Mẫu số 03)."""

    received_on = _date("Ngày tiếp")
    received_time = forms.TimeField(label="Giờ tiếp", input_formats=["%H:%M", "%H:%M:%S"],
                                    widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    place = forms.CharField(label="Địa điểm tiếp", max_length=200, initial="Phòng tiếp công dân của Sở")
    session = forms.ChoiceField(label="Hình thức tiếp", choices=ReceptionSession.choices)
    received_by = forms.ModelChoiceField(label="Người tiếp", queryset=None, empty_label="— Chọn —")
    people_count = forms.IntegerField(label="Số người", min_value=1, max_value=10_000, initial=1)
    citizen_name = forms.CharField(label="Họ tên công dân (người đại diện)", max_length=120)
    citizen_address = forms.CharField(label="Địa chỉ", max_length=300, required=False)
    citizen_identity = forms.CharField(label="Số định danh (CCCD)", max_length=12, required=False)
    others = forms.CharField(label="Người đại diện khác (mỗi dòng: họ tên; địa chỉ; số định danh)", required=False,
                             widget=forms.Textarea(attrs={"rows": 2}), max_length=3000)
    kind = forms.ChoiceField(label="Phân loại vụ việc", choices=PetitionKind.choices)
    commune = forms.ModelChoiceField(label="Xã/phường nơi phát sinh vụ việc", queryset=None, empty_label="— Chọn —")
    content = forms.CharField(label="Nội dung vụ việc", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    handled_before = forms.CharField(label="Cơ quan đã giải quyết (nếu có)", max_length=300, required=False)
    outcome = forms.ChoiceField(label="Hướng xử lý", choices=ReceptionOutcome.choices)
    outcome_note = forms.CharField(label="Nội dung hướng dẫn, nơi chuyển đơn hoặc lý do từ chối", required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    refusal_ground = forms.ChoiceField(label="Căn cứ từ chối tiếp (Luật Tiếp công dân, Điều 9)", required=False,
                                       choices=[("", "—"), *RefusalGround.choices])
    complex_case = forms.BooleanField(label="Vụ việc phức tạp", required=False)
    remote_area = forms.BooleanField(label="Vùng sâu, vùng xa đi lại khó khăn", required=False)
    # the headings of the form's parts (``casework/form.html`` shows one above the field that opens a part)
    SECTIONS = {"received_on": "Buổi tiếp", "people_count": "Công dân được tiếp", "kind": "Vụ việc",
                "outcome": "Hướng xử lý", "complex_case": "Đơn được tiếp nhận (khi hướng xử lý là tiếp nhận đơn)",
                "second_time": "Khiếu nại lần hai (Luật Khiếu nại 2011, Điều 33)"}

    def __init__(self, *args, communes, receivers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes
        self.fields["received_by"].queryset = receivers
        for name, heading in self.SECTIONS.items():
            self.fields[name].section = heading

    def clean(self):
        data = super().clean()
        if data.get("received_on") and not EARLIEST <= data["received_on"] <= LATEST:
            self.add_error("received_on", "Ngày tiếp không hợp lệ.")
        elif data.get("received_on") and data.get("received_time"):
            data["received_at"] = timezone.make_aware(dt.datetime.combine(data["received_on"], data["received_time"]))
        others = []
        for line in (data.get("others") or "").splitlines():
            parts = [p.strip() for p in line.split(";")]
            if any(parts):
                others.append((parts + ["", "", ""])[:3])
        data["other_citizens"] = others
        return data


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
