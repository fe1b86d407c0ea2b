from django.urls import path

from ansinh.labour.views import files, market, vocational

app_name = "labour"


def _files(prefix: str, slug: str, name: str) -> list:
    """The three pages of one import kind (status, commit/cancel/map, error report), named as its kind says."""
    extra = {"slug": slug}
    return [
        path(f"{prefix}/<int:pk>/", files.detail, extra, name=f"{name}_import_detail"),
        path(f"{prefix}/<int:pk>/ghi/", files.commit, extra, name=f"{name}_import_commit"),
        path(f"{prefix}/<int:pk>/bao-cao-loi.xlsx", files.report, extra, name=f"{name}_import_report"),
    ]


urlpatterns = [
    path("", market.home, name="home"),
    path("chi-tieu/", market.indicators, name="indicators"),
    path("chi-tieu.xlsx", market.indicators_export, name="indicators_export"),
    # the supply register and its yearly update
    path("cung/", market.supply_home, name="supply_home"),
    path("cung/dot/mo/", market.campaign_open, name="campaign_open"),
    path("cung/dot/<int:year>/ket-thuc/", market.campaign_close, name="campaign_close"),
    path("cung/phieu/", market.supply_list, name="supply_list"),
    path("cung/phieu.xlsx", market.supply_export, name="supply_export"),
    path("cung/phieu/<int:pk>/", market.supply_detail, name="supply_detail"),
    path("cung/phieu/<int:pk>/khong-co-trong-csdl/", market.record_not_found, name="record_not_found"),
    path("cung/doi-chieu/", market.review_queue, name="review_queue"),
    path("cung/doi-chieu/<int:pk>/dung-nguoi/", market.candidate_accept, name="candidate_accept"),
    path("cung/nhap/", files.upload, {"slug": "cung-lao-dong"}, name="supply_import_upload"),
    *_files("cung/nhap", "supply", "supply"),
    # demand, vacancies
    path("don-vi/", market.employer_list, name="employer_list"),
    path("don-vi/them/", market.employer_create, name="employer_create"),
    path("don-vi/<int:pk>/", market.employer_detail, name="employer_detail"),
    path("don-vi/<int:pk>/so-lieu/", market.employer_year, name="employer_year"),
    path("don-vi/<int:pk>/tuyen-dung/", market.vacancy_create, name="vacancy_create"),
    path("tuyen-dung/", market.vacancy_list, name="vacancy_list"),
    path("tuyen-dung/<int:pk>/dung-tuyen/", market.vacancy_close, name="vacancy_close"),
    # job fairs, placements
    path("san-giao-dich/", market.fair_list, name="fair_list"),
    path("san-giao-dich/<int:pk>/", market.fair_detail, name="fair_detail"),
    path("san-giao-dich/<int:pk>/don-vi/", market.fair_add_employer, name="fair_add_employer"),
    path("viec-lam/", market.placement_list, name="placement_list"),
    path("viec-lam/them/", market.placement_create, name="placement_create"),
    path("viec-lam/<int:pk>/", market.placement_detail, name="placement_detail"),
    # files of the demand register and placements
    path("nhap/<slug:slug>/", files.upload, name="import_upload"),
    path("nhap/<slug:slug>/mau.xlsx", files.template, name="import_template"),
    *_files("nhap/don-vi", "employers", "employer"),
    *_files("nhap/tuyen-dung", "vacancies", "vacancy"),
    *_files("nhap/viec-lam", "placements", "placement"),
    *_files("nhap/hoc-vien", "enrolments", "enrolment"),
    # vocational education
    path("nghe/", vocational.vocational_home, name="vocational_home"),
    path("nghe/co-so/", vocational.institution_list, name="institution_list"),
    path("nghe/co-so/<int:pk>/", vocational.institution_detail, name="institution_detail"),
    path("nghe/co-so/<int:pk>/nha-giao/", vocational.teacher_add, name="teacher_add"),
    path("nghe/co-so/<int:pk>/chuong-trinh/", vocational.programme_add, name="programme_add"),
    path("nghe/nghe-dao-tao/them/", vocational.occupation_create, name="occupation_create"),
    path("nghe/lop/", vocational.course_list, name="course_list"),
    path("nghe/lop/them/", vocational.course_create, name="course_create"),
    path("nghe/lop/<int:pk>/", vocational.course_detail, name="course_detail"),
    path("nghe/lop/<int:pk>/hoc-vien/", vocational.enrolment_add, name="enrolment_add"),
    path("nghe/lop/<int:pk>/nhap/", files.course_upload, name="course_upload"),
    path("nghe/lop/<int:pk>/mau.xlsx", files.course_template, name="course_template"),
    path("nghe/hoc-vien/<int:pk>/", vocational.enrolment_detail, name="enrolment_detail"),
    path("nghe/hoc-vien/<int:pk>/ket-qua/", vocational.enrolment_finish, name="enrolment_finish"),
    path("nghe/hoc-vien/<int:pk>/van-bang/", vocational.diploma_issue, name="diploma_issue"),
    path("nghe/hoc-vien/<int:pk>/ho-tro/", vocational.support_propose, name="support_propose"),
    path("nghe/van-bang/", vocational.diploma_lookup, name="diploma_lookup"),
    path("nghe/ho-tro/", vocational.support_list, name="support_list"),
    path("nghe/ho-tro/<int:pk>/", vocational.support_detail, name="support_detail"),
    path("nghe/ho-tro/<int:pk>/<slug:step>/", vocational.support_step, name="support_step"),
]
