"""Forms bind and parse input; rules live in services."""

from __future__ import annotations

from django import forms

from ansinh.core.dates import DateError, parse_vn_date
from ansinh.registry.forms import StyledForm, VnDateField


class DuplicateCheckForm(forms.Form):
    """What is being typed in the add-member / new-household form (every field optional)."""

    full_name = forms.CharField(required=False, max_length=120)
    birth = forms.CharField(required=False, max_length=20)
    sex = forms.CharField(required=False, max_length=1)
    pid = forms.CharField(required=False, max_length=20)
    cmnd = forms.CharField(required=False, max_length=20)

    def query(self) -> dict | None:
        """The selector's arguments, or None when too little has been typed to look."""
        data = self.cleaned_data
        birth = None
        try:
            birth = parse_vn_date(data["birth"]) if data["birth"].strip() else None
        except DateError:
            birth = None
        name_words = len(data["full_name"].split())
        if name_words < 2 and not (data["pid"] or data["cmnd"]):
            return None
        return {"full_name": data["full_name"], "birth": birth.date if birth else None,
                "birth_precision": birth.precision if birth else "day",
                "sex": data["sex"] if data["sex"] in ("M", "F") else "", "pid": data["pid"], "cmnd": data["cmnd"]}


class MergeForm(forms.Form):
    keep = forms.ChoiceField(choices=[("low", "low"), ("high", "high")])
    # when both people hold a current household membership (``selectors.membership_conflict``)
    stay = forms.ChoiceField(choices=[("low", "low"), ("high", "high")], required=False)
    other = forms.ChoiceField(choices=[("end", "end"), ("move_members", "move_members")], required=False)
    left = VnDateField(label="Ngày rời hộ", max_length=20, required=False)
    new_head_low = forms.IntegerField(required=False)  # the new head of the low person's household if it is left
    new_head_high = forms.IntegerField(required=False)

    def clean_left(self):
        left = self.cleaned_data["left"]
        if left is not None and left.precision != "day":
            raise forms.ValidationError("Hãy ghi đủ ngày/tháng/năm rời hộ.")
        return left

    def membership_choice(self, *, low_id: int, high_id: int) -> dict | None:
        """The arguments of ``services.MembershipChoice`` (None when «giữ tư cách thành viên hộ» is not chosen)."""
        data = self.cleaned_data
        if not data.get("stay"):
            return None
        stay_low = data["stay"] == "low"
        return {"stay_with": low_id if stay_low else high_id, "other": data.get("other") or "end",
                "left_date": data["left"].date if data.get("left") else None,
                "new_head": data.get("new_head_high" if stay_low else "new_head_low")}


class SettingsForm(StyledForm):
    auto_merge_enabled = forms.BooleanField(label="Cho phép tự động gộp (chỉ khi số giấy tờ khớp)", required=False)
    auto_merge_threshold = forms.FloatField(label="Ngưỡng tự động gộp", min_value=0.5, max_value=0.999999)
    review_threshold = forms.FloatField(label="Ngưỡng đưa vào danh sách xem xét", min_value=0.01, max_value=0.999999)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["auto_merge_enabled"].widget.attrs["class"] = "form-check-input"


class FileMatchForm(StyledForm):
    file = forms.FileField(label="Danh sách (.xlsx, .csv) theo mẫu nhập hộ, nhân khẩu")
    against_registry = forms.BooleanField(label="So với cơ sở dữ liệu nhân khẩu", required=False)
    output_kind = forms.ChoiceField(label="Tệp kết quả", choices=[("xlsx", "Excel (.xlsx)"), ("csv", "CSV (.csv)")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["against_registry"].widget.attrs["class"] = "form-check-input"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError("Chỉ nhận tệp .xlsx hoặc .csv.")
        return upload
