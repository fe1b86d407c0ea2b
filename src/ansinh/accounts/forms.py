"""Forms of the two-factor pages: bind the code and the reset's reason (the rules are in ``two_factor``)."""

from __future__ import annotations

from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Mã xác thực (6 chữ số)", max_length=20, strip=True,
        widget=forms.TextInput(attrs={"class": "form-control form-control-lg text-center", "autocomplete": "one-time-code",
                                      "inputmode": "numeric", "pattern": r"[0-9 ]*", "autofocus": True}),
        error_messages={"required": "Hãy nhập mã 6 chữ số đang hiện trên ứng dụng xác thực."})


class ResetForm(forms.Form):
    reason = forms.CharField(
        label="Lý do đặt lại", max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "Ví dụ: mất điện thoại ngày 02/12"}),
        error_messages={"required": "Hãy ghi lý do đặt lại."})
