from django.urls import path

from ansinh.programmes import views

app_name = "programmes"
urlpatterns = [
    path("", views.programme_list, name="programme_list"),
    path("<int:pk>/", views.programme_detail, name="programme_detail"),
    path("<int:pk>/lap-danh-sach/", views.programme_generate, name="programme_generate"),
    path("danh-sach/<int:pk>/", views.list_detail, name="list_detail"),
    path("danh-sach/<int:pk>/niem-yet.xlsx", views.list_export, name="list_export"),
    path("danh-sach/<int:pk>/<slug:step>/", views.list_step, name="list_step"),
    path("<int:pk>/tai-len/", views.upload_start, name="upload_start"),
    path("tai-len/<int:pk>/", views.upload_detail, name="upload_detail"),
    path("tai-len/<int:pk>/bao-cao-loi.xlsx", views.upload_report, name="upload_report"),
    path("mau/<int:pk>.xlsx", views.upload_template, name="upload_template"),
    path("canh-bao/<int:pk>/xu-ly/", views.flag_resolve, name="flag_resolve"),
]
