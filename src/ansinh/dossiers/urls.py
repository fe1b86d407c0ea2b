from django.urls import path

from ansinh.dossiers import views

app_name = "dossiers"

urlpatterns = [
    path("", views.dossier_list, name="dossier_list"),
    path("them/", views.dossier_create, name="dossier_create"),
    path("tim-trong-van-ban/", views.search, name="search"),
    path("so-hoa/", views.campaign, name="campaign"),
    path("<int:pk>/", views.dossier_detail, name="dossier_detail"),
    path("<int:pk>/vi-tri/", views.dossier_move, name="dossier_move"),
    path("<int:pk>/cho-muon/", views.dossier_lend, name="dossier_lend"),
    path("<int:pk>/ban-quet/", views.scan_add, name="scan_add"),
    path("<int:pk>/kiem-tra/", views.dossier_confirm, name="dossier_confirm"),
    path("muon/<int:pk>/tra/", views.borrowing_return, name="borrowing_return"),
    path("tai-lieu/<int:pk>/quet-lai/", views.scan_replace, name="scan_replace"),
    path("ban-quet/<int:pk>/tep/", views.version_file, name="version_file"),
    path("ban-quet/<int:pk>/nhan-dang-lai/", views.ocr_retry, name="ocr_retry"),
    path("ban-quet/<int:pk>/trang/<int:number>/", views.page_view, name="page_view"),
    path("ban-quet/<int:pk>/trang/<int:number>/anh/", views.page_image, name="page_image"),
    path("nhap-ban-quet/", views.import_upload, name="import_upload"),
    path("nhap-ban-quet/<int:pk>/", views.import_detail, name="import_detail"),
    path("nhap-ban-quet/<int:pk>/ghi/", views.import_commit, name="import_commit"),
    path("nhap-ban-quet/<int:pk>/bao-cao-loi/", views.import_report, name="import_report"),
]
