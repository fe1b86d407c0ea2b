from django.urls import path

from ansinh.poverty import views

app_name = "poverty"
urlpatterns = [
    path("", views.index, name="index"),
    path("lap-ky/", views.round_open, name="round_open"),
    path("phan-loai/", views.classify_year, name="classify_year"),
    path("ky/<int:pk>/", views.round_detail, name="round_detail"),
    path("ky/<int:pk>/phieu/", views.survey_form, name="survey_form"),
    path("ky/<int:pk>/ket-qua.xlsx", views.round_export, name="round_export"),
    path("ky/<int:pk>/quyet-dinh.pdf", views.round_decision_pdf, name="round_decision_pdf"),
    path("ky/<int:pk>/<slug:step>/", views.round_step, name="round_step"),
    path("ho/<int:pk>/", views.household_detail, name="household_detail"),
    path("ho/<int:pk>/<slug:action>/", views.household_action, name="household_action"),
    path("khieu-nai/<int:pk>/giai-quyet/", views.complaint_resolve, name="complaint_resolve"),
    path("giay-chung-nhan/<int:pk>/", views.certificate, name="certificate"),
    path("nhap/", views.import_upload, name="import_upload"),
    path("nhap/<int:pk>/", views.import_detail, name="import_detail"),
    path("nhap/<int:pk>/ghi/", views.import_commit, name="import_commit"),
    path("nhap/<int:pk>/bao-cao-loi.xlsx", views.import_report, name="import_report"),
    path("nhap/mau-<int:year>.xlsx", views.import_template, name="import_template"),
    path("bien-dong/", views.transitions, name="transitions"),
    path("bien-dong/tong-hop.xlsx", views.transitions_xlsx, name="transitions_xlsx"),
    path("bien-dong/tong-hop-xa", views.summary_file, name="summary_file"),
    path("chi-tieu/", views.plan, name="plan"),
    path("chi-tieu/chi-tieu.xlsx", views.plan_xlsx, name="plan_xlsx"),
    path("nha-o/", views.schemes, name="schemes"),
    path("nha-o/<int:pk>/", views.scheme_detail, name="scheme_detail"),
    path("nha-o/<int:pk>/de-xuat/", views.scheme_propose, name="scheme_propose"),
    path("nha-o/<int:pk>/dot-giai-ngan/", views.scheme_tranche, name="scheme_tranche"),
    path("nha-o/ho-so/<int:pk>/", views.case_detail, name="case_detail"),
    path("nha-o/ho-so/<int:pk>/<slug:step>/", views.case_step, name="case_step"),
    path("nha-o/anh/<int:pk>/", views.photo, name="photo"),
]
