from django.urls import path

from ansinh.payments import views

app_name = "payments"
urlpatterns = [
    path("", views.batch_list, name="batch_list"),
    path("danh-sach/<int:list_pk>/lap-dot/", views.batch_create, name="batch_create"),
    path("dot/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("dot/<int:pk>/xuat.xlsx", views.batch_export, name="batch_export"),
    path("dot/<int:pk>/ket-qua/", views.results_upload, name="results_upload"),
    path("ket-qua/<int:pk>/", views.results_detail, name="results_detail"),
    path("ket-qua/<int:pk>/ghi/", views.results_commit, name="results_commit"),
    path("ket-qua/<int:pk>/loi.xlsx", views.results_report, name="results_report"),
    path("dot/<int:pk>/doi-soat/", views.batch_reconcile, name="batch_reconcile"),
    path("chuong-trinh/<int:pk>/doi-soat/", views.reconciliation, name="reconciliation"),
    path("chuong-trinh/<int:pk>/doi-soat.xlsx", views.reconciliation_xlsx, name="reconciliation_xlsx"),
]
