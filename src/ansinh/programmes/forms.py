"""Forms of the programme designer: they only turn what was typed into typed values (Vietnamese messages); what
makes a definition acceptable is the service's (``programmes.services.design``)."""

from __future__ import annotations

import datetime as dt
import re

from django import forms

from ansinh.core.formatting import vn_number
from ansinh.programmes.models import (
    NCC_CATEGORY_CHOICES,
    AmountMode,
    AmountUnit,
    Frequency,
    ListSource,
    OverlapRule,
    Register,
)
from ansinh.programmes.rules import rules_amount_variables, rules_condition_variables
from ansinh.programmes.services.design import GroupInput, ProgrammeDesign, SourceInput

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_MONEY = re.compile(r"^-?\d{1,3}(?:[.,]\d{3})+$|^-?\d{1,15}$")
_TEXT = {"class": "form-control form-control-sm"}
_SELECT = {"class": "form-select form-select-sm"}
_MONEY_INPUT = {**_TEXT, "inputmode": "numeric", "data-money": "1", "autocomplete": "off"}
_CHECKS = {"class": "form-check-input"}


class MoneyField(forms.Field):
    """Whole đồng: «1.200.000», «1200000», «1.200.000 đ». A minus sign is read (the service refuses it with its
    message, the one place that says what an amount may be)."""

    widget = forms.TextInput

    def to_python(self, value):
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        cleaned = re.sub(r"\s|đồng|đ|vnđ|vnd", "", text.lower())
        if len(text) > 30 or not _MONEY.match(cleaned):
            raise forms.ValidationError(f"«{text[:30]}» không phải là số tiền hợp lệ (ghi số nguyên đồng, ví dụ "
                                        "1.200.000).")
        return int(re.sub(r"[.,]", "", cleaned))

    def prepare_value(self, value):
        return vn_number(value) if isinstance(value, int) else value


class DayField(forms.DateField):
    """A date typed as the office writes it, «15/01/2020» (also «2020-01-15»); an impossible day is named."""

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_FORMATS)
        kwargs.setdefault("widget", forms.DateInput(format="%d/%m/%Y", attrs={
            **_TEXT, "placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off", "maxlength": "10"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        text = "" if value is None else str(value).strip()
        match = _DMY.match(text)
        if match:
            day, month, year = (int(part) for part in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                raise forms.ValidationError(f"Ngày {text} không có trên lịch.") from None
        try:
            return super().to_python(text)
        except forms.ValidationError:
            raise forms.ValidationError(f"«{text[:20]}» không phải là ngày: ghi ngày/tháng/năm, ví dụ 15/01/2020."
                                        ) from None


_REQUIRED = {"required": "Không được để trống."}


def _date(label: str, required: bool = True, help_text: str = "") -> DayField:
    return DayField(label=label, required=required, help_text=help_text, error_messages=_REQUIRED)


def _int(label: str, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=-10**9, max_value=10**9, help_text=help_text,
                              widget=forms.TextInput(attrs={**_TEXT, "inputmode": "numeric"}),
                              error_messages={"invalid": "Ghi một số nguyên (ví dụ 3).",
                                              "min_value": "Số quá nhỏ.", "max_value": "Số quá lớn."})


class DesignForm(forms.Form):
    """The errors are shown next to each field by the page, never as the browser's own bubbles."""

    use_required_attribute = False


class ProgrammeForm(DesignForm):
    code = forms.CharField(label="Mã chương trình", max_length=60, widget=forms.TextInput(attrs=_TEXT),
                           error_messages=_REQUIRED,
                           help_text="Chữ thường không dấu, chữ số, dấu gạch ngang; ví dụ tet-canh-ty-2020.")
    name = forms.CharField(label="Tên chương trình", max_length=255, widget=forms.TextInput(attrs=_TEXT),
                           error_messages=_REQUIRED,
                           help_text="Như trong quyết định, ví dụ «Thăm hỏi, tặng quà người có công dịp Tết Canh Tý "
                                     "2020».")
    legal_basis = forms.CharField(label="Căn cứ pháp lý", max_length=4000, error_messages=_REQUIRED,
                                  widget=forms.Textarea(attrs={"rows": 3, **_TEXT}),
                                  help_text="Các văn bản làm căn cứ: nghị quyết, quyết định, kế hoạch (số, ngày, cơ "
                                            "quan ban hành), mỗi văn bản một dòng.")
    decision_number = forms.CharField(label="Số quyết định ban hành", max_length=60, error_messages=_REQUIRED,
                                      widget=forms.TextInput(attrs={**_TEXT, "placeholder": "ví dụ 123/QĐ-UBND"}))
    decision_date = _date("Ngày quyết định")
    decision_signer = forms.CharField(label="Người ký", max_length=120, error_messages=_REQUIRED,
                                      widget=forms.TextInput(attrs={**_TEXT,
                                                                    "placeholder": "ví dụ Chủ tịch UBND tỉnh"}))
    window_start = _date("Áp dụng từ ngày")
    window_end = _date("Đến ngày")
    register_cutoff = _date("Ngày chốt danh sách nền", required=False,
                            help_text="Người đang hưởng tại ngày này được đưa vào danh sách. Để trống: ngày bắt đầu.")
    budget = MoneyField(label="Dự toán kinh phí (đồng)", required=False, widget=forms.TextInput(attrs=_MONEY_INPUT),
                        help_text="Để trống: bằng tổng các nguồn.")
    overlap_rule = forms.ChoiceField(
        label="Một người thuộc nhiều nhóm", widget=forms.Select(attrs=_SELECT),
        help_text="Ví dụ một người vừa là thương binh vừa là thân nhân liệt sĩ.",
        choices=[(OverlapRule.HIGHEST_ONLY, "Chỉ hưởng một nhóm (mức cao nhất)"),
                 (OverlapRule.STACK, "Hưởng tất cả các nhóm (cộng dồn)")])


class SourceForm(DesignForm):
    name = forms.CharField(label="Nguồn kinh phí", max_length=200, required=False, widget=forms.TextInput(attrs={
        **_TEXT, "list": "nguon-goi-y", "placeholder": "chọn trong gợi ý hoặc ghi tên nguồn"}))
    amount = MoneyField(label="Số tiền (đồng)", required=False, widget=forms.TextInput(attrs=_MONEY_INPUT))

    def is_blank(self) -> bool:
        return not (self.cleaned_data.get("name") or "").strip() and self.cleaned_data.get("amount") is None


class GroupForm(DesignForm):
    code = forms.CharField(label="Mã nhóm", max_length=10, required=False,
                           widget=forms.TextInput(attrs=_TEXT),
                           help_text="1 đến 4 ký tự.")
    name = forms.CharField(label="Tên nhóm", max_length=255, required=False, widget=forms.TextInput(attrs=_TEXT),
                           help_text="Ví dụ «Thân nhân liệt sĩ», «Hộ nghèo có nhà hư hỏng».")
    source = forms.ChoiceField(label="Lấy người từ", widget=forms.Select(attrs={**_SELECT, "data-role": "source"}),
                               choices=[(ListSource.REGISTRY, "Sổ đối tượng đang hưởng"),
                                        (ListSource.EXCEL, "Tệp Excel xã tải lên («Mẫu chung»)")])
    registers = forms.MultipleChoiceField(label="Sổ đối tượng", choices=Register.choices, required=False,
                                          widget=forms.CheckboxSelectMultiple(attrs=_CHECKS))
    ncc_categories = forms.MultipleChoiceField(label="Diện người có công", choices=NCC_CATEGORY_CHOICES,
                                               required=False, widget=forms.CheckboxSelectMultiple(attrs=_CHECKS),
                                               help_text="Chỉ khi lấy từ sổ người có công; không đánh dấu diện nào: "
                                                         "mọi diện.")
    amount_mode = forms.ChoiceField(label="Cách tính số tiền",
                                    widget=forms.Select(attrs={**_SELECT, "data-role": "amount_mode"}),
                                    choices=[(AmountMode.FIXED, "Mức cố định"),
                                             (AmountMode.RULES, "Theo bộ quy tắc chính sách")])
    rules_variable = forms.ChoiceField(label="Khoản tính theo bộ quy tắc", required=False,
                                       widget=forms.Select(attrs=_SELECT))
    input_variable = forms.ChoiceField(label="Điều kiện đặt «có» cho người của nhóm", required=False,
                                       widget=forms.Select(attrs=_SELECT),
                                       help_text="Khi khoản chỉ tính cho người thuộc một diện mà sổ không ghi.")
    fixed_amount = MoneyField(label="Mức hỗ trợ (đồng)", required=False, widget=forms.TextInput(attrs=_MONEY_INPUT))
    amount_unit = forms.ChoiceField(label="Tính cho", choices=AmountUnit.choices, widget=forms.Select(attrs=_SELECT),
                                    help_text="«Mỗi hộ» chỉ với hộ nghèo, cận nghèo hoặc tệp Excel.")
    frequency = forms.ChoiceField(label="Chi", choices=Frequency.choices,
                                  widget=forms.Select(attrs={**_SELECT, "data-role": "frequency"}))
    months = _int("Số tháng", help_text="Chỉ khi chi mỗi tháng, từ 1 đến 12.")
    planned_count = _int("Số đối tượng dự kiến", help_text="Để tính số tiền dự kiến của nhóm.")
    conditions = forms.CharField(label="Điều kiện hưởng", max_length=4000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 2, **_TEXT}))
    required_documents = forms.CharField(label="Hồ sơ cần có", max_length=4000, required=False,
                                         widget=forms.Textarea(attrs={"rows": 2, **_TEXT}),
                                         help_text="Mỗi dòng một loại giấy tờ.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rules_variable"].choices = [("", "— chọn khoản —")] + list(rules_amount_variables().items())
        self.fields["input_variable"].choices = [("", "— không —")] + list(rules_condition_variables().items())

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not ((data.get("code") or "").strip() or (data.get("name") or "").strip())


SourceFormSet = forms.formset_factory(SourceForm, extra=0, max_num=12, absolute_max=12)
GroupFormSet = forms.formset_factory(GroupForm, extra=0, max_num=20, absolute_max=20)


def first_error(form: forms.Form) -> str:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        return f"{label}: {errors[0]}" if label else str(errors[0])
    return "Dữ liệu không hợp lệ."


def design_from_forms(form: ProgrammeForm, sources, groups) -> ProgrammeDesign:
    """The typed definition (blank rows left out); the service decides whether it is acceptable."""
    d = form.cleaned_data
    return ProgrammeDesign(
        code=d["code"], name=d["name"], legal_basis=d["legal_basis"], decision_number=d["decision_number"],
        decision_date=d["decision_date"], decision_signer=d["decision_signer"], window_start=d["window_start"],
        window_end=d["window_end"], overlap_rule=d["overlap_rule"], budget=d["budget"],
        register_cutoff=d["register_cutoff"],
        sources=[SourceInput(f.cleaned_data["name"], f.cleaned_data["amount"]) for f in sources if not f.is_blank()],
        groups=[GroupInput(**{k: f.cleaned_data[k] for k in (
            "code", "name", "source", "amount_mode", "registers", "ncc_categories", "rules_variable", "input_variable",
            "fixed_amount", "amount_unit", "frequency", "months", "planned_count", "conditions",
            "required_documents")}) for f in groups if not f.is_blank()])


def typed_rows(forms_: list[forms.Form]) -> list[forms.Form]:
    """The rows that were filled in (the definition's order), for putting the service's problems back on them."""
    return [f for f in forms_ if not f.is_blank()]


def place_problems(problems, form: forms.Form, sources, groups) -> dict[str, list[str]]:
    """Each problem of the service next to its field; the rest by section ("", "sources", "groups")."""
    rows = {"sources": typed_rows(sources.forms), "groups": typed_rows(groups.forms)}
    general: dict[str, list[str]] = {"": [], "sources": [], "groups": []}
    for problem in problems:
        target = form if not problem.section else (
            rows[problem.section][problem.row] if problem.row is not None and problem.row < len(
                rows[problem.section]) else None)
        if target is not None and problem.field in target.fields:
            target.add_error(problem.field, problem.message)
        else:
            general[problem.section].append(problem.message)
    return general


def initial_from_programme(programme) -> tuple[dict, list[dict], list[dict]]:
    main = {k: getattr(programme, k) for k in ("code", "name", "legal_basis", "decision_number", "decision_date",
                                               "decision_signer", "window_start", "window_end", "register_cutoff",
                                               "budget", "overlap_rule")}
    sources = [{"name": s.name, "amount": s.amount} for s in programme.funding_sources.all()]
    groups = [{k: getattr(g, k) for k in ("code", "name", "source", "amount_mode", "registers", "ncc_categories",
                                          "rules_variable", "input_variable", "fixed_amount", "amount_unit",
                                          "frequency", "months", "planned_count", "conditions", "required_documents")}
              for g in programme.groups.all()]
    return main, sources, groups
