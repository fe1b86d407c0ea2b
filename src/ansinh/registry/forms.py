"""Forms bind and parse input; rules live in services and validation."""

from __future__ import annotations

from django import forms

from ansinh.core.dates import DateError, parse_vn_date
from ansinh.geo.models import AdminUnit
from ansinh.registry.ethnicities import ETHNICITY_CHOICES
from ansinh.registry.models import Relationship, Sex


class VnDateField(forms.CharField):
    """Accepts 'dd/mm/yyyy', 'mm/yyyy' or a bare year; cleans to a ParsedDate."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", "dd/mm/yyyy, mm/yyyy hoặc chỉ năm (yyyy)")
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            return parse_vn_date(value)
        except DateError as err:
            raise forms.ValidationError(str(err)) from err


class StyledForm(forms.Form):
    """Bootstrap classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class PersonForm(StyledForm):
    full_name = forms.CharField(label="Họ và tên", max_length=120)
    sex = forms.ChoiceField(label="Giới tính", choices=Sex.choices)
    birth = VnDateField(label="Ngày sinh", max_length=20)
    ethnicity_code = forms.ChoiceField(label="Dân tộc", choices=ETHNICITY_CHOICES, initial="01")
    pid = forms.CharField(label="Số định danh cá nhân (12 số)", max_length=20, required=False)
    cmnd = forms.CharField(label="Số CMND cũ (9 số)", max_length=20, required=False)
    social_insurance_no = forms.CharField(label="Mã số BHXH", max_length=20, required=False)
    phone = forms.CharField(label="Điện thoại", max_length=15, required=False)

    def person_data(self) -> dict:
        data = self.cleaned_data
        return {
            "full_name": data["full_name"], "sex": data["sex"], "birth_date": data["birth"].date,
            "birth_precision": data["birth"].precision, "ethnicity_code": data["ethnicity_code"],
            "pid": data["pid"], "cmnd": data["cmnd"], "social_insurance_no": data["social_insurance_no"],
            "phone": data["phone"],
        }


class MemberForm(PersonForm):
    relationship = forms.ChoiceField(
        label="Quan hệ với chủ hộ", choices=[c for c in Relationship.choices if c[0] != Relationship.HEAD]
    )
    joined = VnDateField(label="Ngày vào hộ", max_length=20, required=False)


class HouseholdForm(PersonForm):
    commune = forms.ModelChoiceField(label="Xã/phường", queryset=AdminUnit.objects.none())
    village = forms.CharField(label="Thôn/xóm/tổ dân phố", max_length=120)
    address_detail = forms.CharField(label="Địa chỉ chi tiết", max_length=255, required=False)

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes


class MoveForm(StyledForm):
    column_width = 12  # shown in a narrow card
    commune = forms.ModelChoiceField(label="Xã/phường mới", queryset=AdminUnit.objects.none())
    village = forms.CharField(label="Thôn/xóm/tổ dân phố", max_length=120)
    address_detail = forms.CharField(label="Địa chỉ chi tiết", max_length=255, required=False)

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes


class DeathForm(StyledForm):
    death = VnDateField(label="Ngày mất", max_length=20)


class RemoveMemberForm(forms.Form):
    membership_id = forms.IntegerField(widget=forms.HiddenInput)
    left = VnDateField(label="Ngày rời hộ", max_length=20)
    reason = forms.CharField(label="Lý do", max_length=200)


class ChangeHeadForm(forms.Form):
    person_id = forms.IntegerField(label="Chủ hộ mới")


class ImportUploadForm(StyledForm):
    file = forms.FileField(label="Tệp danh sách (.xlsx, .xls, .csv)")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".xlsx", ".xls", ".csv")):
            raise forms.ValidationError("Chỉ nhận tệp Excel (.xlsx, .xls) hoặc .csv.")
        if upload.size > 200 * 1024 * 1024:
            raise forms.ValidationError("Tệp lớn hơn 200 MB; hãy chia nhỏ tệp.")
        return upload
