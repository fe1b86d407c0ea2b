"""Forms of the poverty pages: they only turn what was typed into typed values (Vietnamese messages); the rules
of the domain are the services'."""

from __future__ import annotations

import re

from django import forms

from ansinh.poverty.models import CandidateSource, ExitReason, PovertyStatus, RoundKind, Screening, Stage
from ansinh.poverty.standards import indicators_for, uses_scores

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
_MONEY = re.compile(r"^-?\d{1,3}(?:[.,]\d{3})+$|^-?\d{1,15}$")


class MoneyField(forms.Field):
    """Whole đồng: «1.200.000», «1200000», «1.200.000 đ»; never negative, never decimals."""

    widget = forms.TextInput

    def to_python(self, value):
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        if len(text) > 30:
            raise forms.ValidationError("Số tiền quá dài.")
        cleaned = re.sub(r"\s|đồng|đ|vnđ|vnd", "", text.lower())
        if not _MONEY.match(cleaned):
            raise forms.ValidationError(f"«{text}» không phải là số tiền hợp lệ (ghi số nguyên đồng, ví dụ "
                                        "1.200.000).")
        number = int(re.sub(r"[.,]", "", cleaned))
        if number < 0:
            raise forms.ValidationError("Số tiền không được âm.")
        return number


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, input_formats=DATE_FORMATS,
                           widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"invalid": "Ngày không hợp lệ.", "required": "Nhập ngày."})


def first_error(form: forms.Form) -> str:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}: {errors[0]}" if label else str(errors[0])
    return "Dữ liệu không hợp lệ."


class RoundOpenForm(forms.Form):
    year = forms.IntegerField(label="Năm rà soát", min_value=2015, max_value=2100)
    commune = forms.IntegerField(label="Xã/phường", min_value=1, max_value=2**62)
    kind = forms.ChoiceField(label="Loại rà soát", choices=RoundKind.choices)
    reference_date = _date("Ngày chốt danh sách đang quản lý", required=False)


class SurveyForm(forms.Form):
    """The survey of one household (phiếu B): the indicators of the round's standard only."""

    household_code = forms.CharField(label="Mã hộ", max_length=32)
    income_per_capita = MoneyField(label="Thu nhập bình quân đầu người/tháng (đồng)")
    is_urban = forms.ChoiceField(label="Khu vực", choices=(("0", "Nông thôn"), ("1", "Thành thị")))
    surveyed_on = _date("Ngày rà soát", required=False)
    surveyor = forms.CharField(label="Rà soát viên", max_length=120, required=False)
    note = forms.CharField(label="Ghi chú", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators_for(year)
        for indicator in self.indicators:
            self.fields[indicator.column] = forms.BooleanField(label=indicator.header, required=False)
        if uses_scores(year):
            self.fields["b1_score"] = forms.IntegerField(label="Điểm B1", min_value=0, max_value=1000, required=False)
            self.fields["b2_score"] = forms.IntegerField(label="Điểm B2", min_value=0, max_value=1000, required=False)

    def deprived(self) -> frozenset[str]:
        return frozenset(i.column for i in self.indicators if self.cleaned_data.get(i.column))


class HouseholdAddForm(forms.Form):
    household_code = forms.CharField(label="Mã hộ", max_length=32)
    source = forms.ChoiceField(label="Diện", choices=[(CandidateSource.APPLIED, CandidateSource.APPLIED.label),
                                                      (CandidateSource.PROPOSED, CandidateSource.PROPOSED.label)])
    screening = forms.ChoiceField(label="Phiếu A", choices=Screening.choices, required=False)
    note = forms.CharField(label="Ghi chú", max_length=500, required=False)


class OutcomeForm(forms.Form):
    status = forms.ChoiceField(label="Kết quả họp dân", choices=[("", "Theo kết quả tính"), *PovertyStatus.choices],
                               required=False)
    reason = forms.CharField(label="Lý do", max_length=500, required=False)


class ScreenForm(forms.Form):
    screening = forms.ChoiceField(label="Phiếu A", choices=[(Screening.CONTINUE, Screening.CONTINUE.label),
                                                            (Screening.EXCLUDED, Screening.EXCLUDED.label)])
    note = forms.CharField(label="Ghi chú", max_length=500, required=False)


class ExitForm(forms.Form):
    reason = forms.ChoiceField(label="Lý do", choices=[(ExitReason.MOVED, ExitReason.MOVED.label),
                                                       (ExitReason.DISSOLVED, ExitReason.DISSOLVED.label)])


class MeetingForm(forms.Form):
    meeting_date = _date("Ngày họp dân")
    attendees = forms.IntegerField(label="Số người dự họp", min_value=1, max_value=100_000)
    agreeing = forms.IntegerField(label="Số người thống nhất", min_value=0, max_value=100_000)
    note = forms.CharField(label="Tóm tắt biên bản", max_length=4000, required=False)


class PostingForm(forms.Form):
    posting_start = _date("Niêm yết từ ngày")
    posting_end = _date("Đến hết ngày")
    place = forms.CharField(label="Nơi niêm yết", max_length=255)


class ComplaintForm(forms.Form):
    complainant = forms.CharField(label="Người khiếu nại", max_length=120)
    household_code = forms.CharField(label="Mã hộ (nếu có)", max_length=32, required=False)
    received_on = _date("Ngày nhận")
    content = forms.CharField(label="Nội dung", max_length=4000)


class ResolveForm(forms.Form):
    resolution = forms.CharField(label="Kết quả giải quyết", max_length=4000)
    resolved_on = _date("Ngày giải quyết")
    new_status = forms.ChoiceField(label="Kết quả của hộ sau phúc tra",
                                   choices=[("", "Giữ nguyên"), *PovertyStatus.choices], required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Lý do", max_length=4000)


class NoteForm(forms.Form):
    note = forms.CharField(label="Ý kiến", max_length=4000, required=False)


class DecisionForm(forms.Form):
    decision_number = forms.CharField(label="Số quyết định", max_length=60)
    decision_date = _date("Ngày ký")
    signer = forms.CharField(label="Người ký", max_length=120)
    effective_date = _date("Danh sách áp dụng từ ngày")
    decision_pdf = forms.FileField(label="Bản quyết định đã ký (PDF)", required=False)


class CertificateForm(forms.Form):
    issued_on = _date("Ngày cấp")


class YearForm(forms.Form):
    year = forms.IntegerField(label="Năm rà soát", min_value=2015, max_value=2100)


class SchemeForm(forms.Form):
    code = forms.SlugField(label="Mã chương trình", max_length=40)
    name = forms.CharField(label="Tên chương trình", max_length=255)
    legal_basis = forms.CharField(label="Căn cứ pháp lý", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    review_year = forms.IntegerField(label="Năm rà soát làm căn cứ", min_value=2015, max_value=2100)
    advance_percent = forms.IntegerField(label="Tạm ứng đợt 1 (% mức hỗ trợ)", min_value=1, max_value=100)
    window_start = _date("Thực hiện từ ngày")
    window_end = _date("Đến ngày")
    budget_state = MoneyField(label="Ngân sách nhà nước (đồng)", required=False)
    budget_fund = MoneyField(label="Quỹ Thiện tâm / quỹ từ thiện (đồng)", required=False)
    budget_community = MoneyField(label="Cộng đồng, dòng họ, hộ tự làm (đồng)", required=False)
    fund_name = forms.CharField(label="Tên quỹ từ thiện", max_length=200, required=False)


class ApproveForm(forms.Form):
    approval_number = forms.CharField(label="Số quyết định phê duyệt", max_length=60)
    approval_date = _date("Ngày phê duyệt")

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources = list(sources)
        for source in self.sources:
            self.fields[f"source_{source.pk}"] = MoneyField(label=source.name, required=False)

    def amounts(self) -> dict[int, int]:
        return {s.pk: self.cleaned_data.get(f"source_{s.pk}") or 0 for s in self.sources}


class StageForm(forms.Form):
    stage = forms.ChoiceField(label="Giai đoạn", choices=Stage.choices)
    on_date = _date("Ngày")
    note = forms.CharField(label="Ghi chú", max_length=500, required=False)


class TrancheForm(forms.Form):
    commune = forms.IntegerField(label="Xã/phường", min_value=1, max_value=2**62)
    number = forms.TypedChoiceField(label="Đợt", choices=((1, "Đợt 1"), (2, "Đợt 2")), coerce=int)
