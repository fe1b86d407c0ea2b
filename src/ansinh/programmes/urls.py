from django.urls import path

from ansinh.programmes import views, views_design

app_name = "programmes"
urlpatterns = [
    path("", views.programme_list, name="programme_list"),
    path("<int:pk>/", views.programme_detail, name="programme_detail"),
    path("thiet-ke/", views_design.design_list, name="design_list"),
    path("thiet-ke/moi/", views_design.design_create, name="design_create"),
    path("thiet-ke/them-dong/<slug:kind>/", views_design.design_row, name="design_row"),
    path("thiet-ke/<int:pk>/", views_design.design_detail, name="design_detail"),
    path("thiet-ke/<int:pk>/<slug:step>/", views_design.design_step, name="design_step"),
    path("<int:pk>/lap-danh-sach/", views.programme_generate, name="programme_generate"),
    path("danh-sach/<int:pk>/", views.list_detail, name="list_detail"),
    path("danh-sach/<int:pk>/niem-yet.xlsx", views.list_export, name="list_export"),
    path("danh-sach/<int:pk>/quyet-dinh.pdf", views.list_decision_pdf, name="list_decision_pdf"),
    path("danh-sach/<int:pk>/<slug:step>/", views.list_step, name="list_step"),
    path("<int:pk>/tai-len/", views.upload_start, name="upload_start"),
    path("tai-len/<int:pk>/", views.upload_detail, name="upload_detail"),
    path("tai-len/<int:pk>/ghi/", views.upload_commit, name="upload_commit"),
    path("tai-len/<int:pk>/bao-cao-loi.xlsx", views.upload_report, name="upload_report"),
    path("mau/<int:pk>.xlsx", views.upload_template, name="upload_template"),
    path("canh-bao/<int:pk>/xu-ly/", views.flag_resolve, name="flag_resolve"),
    path("so-doi-tuong/nhap/", views.register_import_upload, name="register_import_upload"),
    path("so-doi-tuong/nhap/<int:pk>/", views.register_import_detail, name="register_import_detail"),
    path("so-doi-tuong/nhap/<int:pk>/ghi/", views.register_import_commit, name="register_import_commit"),
    path("so-doi-tuong/nhap/<int:pk>/bao-cao-loi.xlsx", views.register_import_report, name="register_import_report"),
]
