from django.urls import path

from ansinh.payroll import views

app_name = "payroll"
urlpatterns = [
    path("", views.index, name="index"),
    path("lap/", views.generate, name="generate"),
    path("thang/<str:register>/<int:year>/<int:month>/", views.month_overview, name="month"),
    path("thang/<str:register>/<int:year>/<int:month>/buoc/<slug:step>/", views.month_step, name="month_step"),
    path("thang/<str:register>/<int:year>/<int:month>/doi-soat/", views.reconciliation, name="reconciliation"),
    path("thang/<str:register>/<int:year>/<int:month>/doi-soat.xlsx", views.reconciliation_xlsx,
         name="reconciliation_xlsx"),
    path("bang/<int:pk>/", views.sheet_detail, name="sheet_detail"),
    path("bang/<int:pk>/danh-sach.xlsx", views.sheet_export, name="sheet_export"),
    path("bang/<int:pk>/ket-qua/", views.results_upload, name="results_upload"),
    path("bang/<int:pk>/buoc/<slug:step>/", views.sheet_step, name="sheet_step"),
    path("ket-qua/<int:pk>/", views.results_detail, name="results_detail"),
    path("ket-qua/<int:pk>/ghi/", views.results_commit, name="results_commit"),
    path("ket-qua/<int:pk>/loi.xlsx", views.results_report, name="results_report"),
    path("nguoi/<int:pk>/", views.person_history, name="person"),
    path("nguoi/<int:pk>/truy-thu/", views.ledger_record, name="ledger_record"),
    path("truy-thu/", views.ledger, name="ledger"),
    path("giai-thich/", views.explain, name="explain"),
    path("ho-so/<int:pk>/", views.enrolment_detail, name="enrolment"),
    path("ho-so/<int:pk>/thay-doi/", views.enrolment_change, name="enrolment_change"),
]
