"""Forms of the labour app: they bind and parse input (dates, money, choices); the rules live in the services and
``checks``."""

from __future__ import annotations

from django import forms

from ansinh.core.dates import DateError, parse_vn_date
from ansinh.labour.models.choices import (
    Channel,
    EconomicStatus,
    EmploymentPosition,
    EnrolmentStatus,
    FundingSource,
    GeneralEducation,
    InactiveReason,
    InstitutionKind,
    LearnerGroup,
    Ownership,
    Qualification,
    Sector,
    TrainingLevel,
    WorkplaceType,
)
from ansinh.registry.forms import StyledForm


def _blank(choices) -> list[tuple[str, str]]:
    return [("", "—"), *choices]


class DayField(forms.CharField):
    """A full date typed 'dd/mm/yyyy' (or chosen in the browser's date picker: 'yyyy-mm-dd')."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", "dd/mm/yyyy")
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            parsed = parse_vn_date(value)
        except DateError as err:
            raise forms.ValidationError(str(err)) from err
        if parsed.precision != "day":
            raise forms.ValidationError("Cần ghi đủ ngày/tháng/năm (ví dụ 05/03/2020).")
        return parsed.date


class MoneyField(forms.CharField):
    """Integer VND: '1.500.000', '1500000', '1.500.000 đ'."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        digits = value.replace(".", "").replace(",", "").replace("đ", "").replace(" ", "").strip()
        if not digits.isdigit() or len(digits) > 15:
            raise forms.ValidationError("Số tiền ghi bằng chữ số, đơn vị đồng (ví dụ 2.000.000).")
        return int(digits)


def _count(label: str, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=required, min_value=0, max_value=10_000_000)


class CampaignForm(StyledForm):
    year = forms.IntegerField(label="Năm", min_value=2015, max_value=2100)
    start_date = DayField(label="Ngày bắt đầu (bỏ trống: 01/7)", required=False)
    note = forms.CharField(label="Ghi chú", max_length=300, required=False)


class SupplyAnswersForm(StyledForm):
    status = forms.ChoiceField(label="Tình trạng hoạt động kinh tế", choices=EconomicStatus.choices)
    general_education = forms.ChoiceField(label="Trình độ giáo dục phổ thông", choices=_blank(GeneralEducation.choices),
                                          required=False)
    qualification = forms.ChoiceField(label="Trình độ chuyên môn kỹ thuật", choices=Qualification.choices)
    field_of_training = forms.CharField(label="Chuyên ngành đào tạo", max_length=120, required=False)
    job_title = forms.CharField(label="Công việc chính", max_length=120, required=False)
    position = forms.ChoiceField(label="Vị thế việc làm", choices=_blank(EmploymentPosition.choices), required=False)
    workplace_name = forms.CharField(label="Nơi làm việc", max_length=200, required=False)
    workplace_type = forms.ChoiceField(label="Loại hình nơi làm việc", choices=_blank(WorkplaceType.choices),
                                       required=False)
    sector = forms.ChoiceField(label="Ngành kinh tế", choices=_blank(Sector.choices), required=False)
    workplace_address = forms.CharField(label="Địa chỉ nơi làm việc", max_length=200, required=False)
    previous_job = forms.CharField(label="Công việc trước khi thất nghiệp", max_length=120, required=False)
    unemployed_months = forms.IntegerField(label="Thời gian thất nghiệp (tháng)", min_value=0, max_value=600,
                                           required=False)
    inactive_reason = forms.ChoiceField(label="Lý do không tham gia hoạt động kinh tế",
                                        choices=_blank(InactiveReason.choices), required=False)
    training_need = forms.CharField(label="Nhu cầu đào tạo", max_length=120, required=False)
    job_need = forms.CharField(label="Nhu cầu việc làm", max_length=120, required=False)


class EmployerForm(StyledForm):
    tax_code = forms.CharField(label="Mã số thuế", max_length=20)
    name = forms.CharField(label="Tên đơn vị", max_length=200)
    ownership = forms.ChoiceField(label="Loại hình", choices=WorkplaceType.choices)
    sector = forms.ChoiceField(label="Ngành kinh tế", choices=Sector.choices)
    main_business = forms.CharField(label="Ngành nghề kinh doanh chính", max_length=200, required=False)
    commune = forms.ChoiceField(label="Xã/phường", choices=())
    address = forms.CharField(label="Địa chỉ", max_length=255, required=False)
    phone = forms.CharField(label="Điện thoại", max_length=15, required=False)

    def __init__(self, *args, communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [(str(c.pk), c.name) for c in communes]


class YearFiguresForm(StyledForm):
    year = forms.IntegerField(label="Năm", min_value=2015, max_value=2100)
    workers_total = _count("Tổng số lao động", required=True)
    workers_female = _count("Lao động nữ")
    workers_indefinite = _count("HĐLĐ không xác định thời hạn")
    workers_fixed_term = _count("HĐLĐ xác định thời hạn")
    workers_other = _count("Hợp đồng khác/không có HĐLĐ")
    average_wage = MoneyField(label="Tiền lương bình quân (đồng/tháng)", required=False)
    hiring_need = _count("Nhu cầu tuyển dụng (người)")


class VacancyForm(StyledForm):
    title = forms.CharField(label="Vị trí tuyển dụng", max_length=200)
    occupation = forms.CharField(label="Nghề", max_length=120, required=False)
    quantity = forms.IntegerField(label="Số lượng", min_value=1, max_value=100_000)
    qualification = forms.ChoiceField(label="Trình độ yêu cầu", choices=Qualification.choices)
    wage_min = MoneyField(label="Lương từ (đồng/tháng)", required=False)
    wage_max = MoneyField(label="Lương đến (đồng/tháng)", required=False)
    posted_on = DayField(label="Ngày đăng")
    deadline = DayField(label="Hạn nộp hồ sơ", required=False)


class FairForm(StyledForm):
    name = forms.CharField(label="Tên phiên giao dịch", max_length=200)
    held_on = DayField(label="Ngày tổ chức")
    place = forms.CharField(label="Địa điểm", max_length=200)
    commune = forms.ChoiceField(label="Xã/phường", choices=())
    organiser = forms.CharField(label="Đơn vị tổ chức", max_length=200, initial="Trung tâm Dịch vụ việc làm")
    candidates = _count("Số người lao động tham gia")
    interviewed = _count("Số người được phỏng vấn")

    def __init__(self, *args, communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [(str(c.pk), c.name) for c in communes]


class FairEmployerForm(StyledForm):
    tax_code = forms.CharField(label="Mã số thuế đơn vị", max_length=20)
    vacancies_offered = _count("Số chỉ tiêu tuyển")


class PlacementForm(StyledForm):
    identity = forms.CharField(label="Số định danh cá nhân (12 số) hoặc CMND (9 số)", max_length=20)
    placed_on = DayField(label="Ngày có việc làm")
    channel = forms.ChoiceField(label="Hình thức", choices=Channel.choices)
    job_title = forms.CharField(label="Công việc", max_length=200, required=False)
    tax_code = forms.CharField(label="Mã số thuế đơn vị tuyển dụng (nếu có)", max_length=20, required=False)
    job_fair = forms.ChoiceField(label="Phiên giao dịch việc làm (nếu qua sàn)", choices=(), required=False)
    destination_country = forms.CharField(label="Nước đến làm việc", max_length=80, required=False)
    sending_company = forms.CharField(label="Doanh nghiệp đưa đi", max_length=200, required=False)
    departure_on = DayField(label="Ngày xuất cảnh", required=False)
    contract_months = forms.IntegerField(label="Thời hạn hợp đồng (tháng)", min_value=1, max_value=120, required=False)
    loan_amount = MoneyField(label="Số tiền vay (đồng)", required=False)
    loan_decision = forms.CharField(label="Quyết định cho vay", max_length=60, required=False)
    note = forms.CharField(label="Ghi chú", max_length=300, required=False)

    def __init__(self, *args, fairs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["job_fair"].choices = _blank([(str(f.pk), str(f)) for f in fairs])


class InstitutionForm(StyledForm):
    code = forms.CharField(label="Mã cơ sở", max_length=20)
    name = forms.CharField(label="Tên cơ sở", max_length=200)
    kind = forms.ChoiceField(label="Loại cơ sở", choices=InstitutionKind.choices)
    ownership = forms.ChoiceField(label="Loại hình", choices=Ownership.choices)
    commune = forms.ChoiceField(label="Xã/phường", choices=())
    address = forms.CharField(label="Địa chỉ", max_length=255, required=False)
    capacity = _count("Quy mô tuyển sinh (người/năm)")

    def __init__(self, *args, communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [(str(c.pk), c.name) for c in communes]


class TeacherForm(StyledForm):
    full_name = forms.CharField(label="Họ và tên", max_length=120)
    sex = forms.ChoiceField(label="Giới tính", choices=(("M", "Nam"), ("F", "Nữ")))
    birth_year = forms.IntegerField(label="Năm sinh", min_value=1930, max_value=2100, required=False)
    qualification = forms.ChoiceField(label="Trình độ chuyên môn", choices=Qualification.choices)
    occupation = forms.CharField(label="Nghề giảng dạy", max_length=120, required=False)
    tenured = forms.BooleanField(label="Cơ hữu", required=False, initial=True)


class ProgrammeForm(StyledForm):
    occupation = forms.ChoiceField(label="Nghề", choices=())
    level = forms.ChoiceField(label="Trình độ", choices=TrainingLevel.choices)
    duration_months = forms.IntegerField(label="Thời gian đào tạo (tháng)", min_value=0, max_value=60)

    def __init__(self, *args, occupations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occupation"].choices = [(str(o.pk), f"{o.code} – {o.name}") for o in occupations]


class OccupationForm(StyledForm):
    code = forms.CharField(label="Mã nghề", max_length=12)
    name = forms.CharField(label="Tên nghề", max_length=200)


class CourseForm(StyledForm):
    programme = forms.ChoiceField(label="Chương trình đào tạo", choices=())
    code = forms.CharField(label="Mã lớp", max_length=30)
    start_date = DayField(label="Ngày khai giảng")
    end_date = DayField(label="Ngày kết thúc")
    commune = forms.ChoiceField(label="Nơi mở lớp (xã/phường)", choices=())
    planned_learners = _count("Chỉ tiêu (người)")
    rural_support = forms.BooleanField(label="Lớp đào tạo nghề cho lao động nông thôn (QĐ 1956, NQ 56)",
                                       required=False)

    def __init__(self, *args, programmes=(), communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [(str(p.pk), f"{p.institution} – {p}") for p in programmes]
        self.fields["commune"].choices = [(str(c.pk), c.name) for c in communes]


class EnrolmentForm(StyledForm):
    identity = forms.CharField(label="Số định danh cá nhân (12 số) hoặc CMND (9 số) của người học", max_length=20)
    enrolled_on = DayField(label="Ngày nhập học")


class FinishForm(StyledForm):
    status = forms.ChoiceField(label="Kết quả", choices=[(EnrolmentStatus.GRADUATED, "Tốt nghiệp/hoàn thành"),
                                                         (EnrolmentStatus.DROPPED, "Thôi học")])
    finished_on = DayField(label="Ngày")


class DiplomaForm(StyledForm):
    number = forms.CharField(label="Số hiệu văn bằng, chứng chỉ", max_length=40)
    register_number = forms.CharField(label="Số vào sổ cấp", max_length=30, required=False)
    issued_on = DayField(label="Ngày cấp")


class SupportForm(StyledForm):
    learner_group = forms.ChoiceField(label="Đối tượng (QĐ 46/2015/QĐ-TTg)", choices=LearnerGroup.choices)
    funding = forms.ChoiceField(label="Nguồn kinh phí", choices=FundingSource.choices)
    training_cost = MoneyField(label="Hỗ trợ chi phí đào tạo (đồng)")
    study_days = forms.IntegerField(label="Số ngày thực học", min_value=0, max_value=400, initial=0)
    meal_amount = MoneyField(label="Hỗ trợ tiền ăn (đồng)", required=False)
    travel_amount = MoneyField(label="Hỗ trợ tiền đi lại (đồng)", required=False)
