"""Forms of the dossiers app: they bind and type the input; the services decide."""

from __future__ import annotations

from django import forms

from ansinh.dossiers.checks import MAX_SCAN_BYTES
from ansinh.dossiers.models import DossierCategory

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


class DossierForm(Styled, forms.Form):
    number = forms.CharField(label="Số hồ sơ", max_length=40)
    category = forms.ChoiceField(label="Loại hồ sơ", choices=DossierCategory.choices)
    matter = forms.CharField(label="Nội dung", max_length=200)
    holder_name = forms.CharField(label="Họ tên người có hồ sơ", max_length=120)
    commune = forms.ModelChoiceField(label="Xã/phường", queryset=None, empty_label="— Chọn xã/phường —")
    warehouse = forms.CharField(label="Kho", max_length=40, required=False)
    shelf = forms.CharField(label="Kệ", max_length=20, required=False)
    box = forms.CharField(label="Hộp", max_length=20, required=False)

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes


class LocationForm(Styled, forms.Form):
    warehouse = forms.CharField(label="Kho", max_length=40, required=False)
    shelf = forms.CharField(label="Kệ", max_length=20, required=False)
    box = forms.CharField(label="Hộp", max_length=20, required=False)


class ScanForm(Styled, forms.Form):
    title = forms.CharField(label="Tên tài liệu", max_length=200, required=False)
    file = forms.FileField(label="Bản quét (PDF, JPEG, PNG, TIFF)", allow_empty_file=True)
    note = forms.CharField(label="Ghi chú", max_length=300, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_SCAN_BYTES:  # refused before a byte of it is read again
            from ansinh.dossiers.checks import megabytes

            raise forms.ValidationError(f"Tệp «{upload.name}» quá lớn ({megabytes(upload.size)}, tối đa "
                                        f"{megabytes(MAX_SCAN_BYTES)} một bản quét).")
        return upload


class LendForm(Styled, forms.Form):
    borrower = forms.CharField(label="Người mượn", max_length=120)
    borrower_unit = forms.CharField(label="Đơn vị", max_length=200, required=False)
    purpose = forms.CharField(label="Mục đích", max_length=300)
    borrowed_on = forms.DateField(label="Ngày mượn", input_formats=DATE_FORMATS, widget=DateInput)
    due_on = forms.DateField(label="Hạn trả", input_formats=DATE_FORMATS, widget=DateInput)


class ReturnForm(Styled, forms.Form):
    returned_on = forms.DateField(label="Ngày trả", input_formats=DATE_FORMATS, widget=DateInput)


class ZipForm(Styled, forms.Form):
    file = forms.FileField(label="Tệp nén .zip các bản quét, mỗi tệp đặt tên theo số hồ sơ", allow_empty_file=True)
