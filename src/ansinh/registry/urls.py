from django.urls import path

from ansinh.registry import import_views, views

app_name = "registry"
urlpatterns = [
    path("nhan-khau/", views.person_list, name="person_list"),
    path("nhan-khau/<int:pk>/", views.person_detail, name="person_detail"),
    path("nhan-khau/<int:pk>/sua/", views.person_edit, name="person_edit"),
    path("nhan-khau/<int:pk>/ghi-nhan-mat/", views.person_death, name="person_death"),
    path("ho/", views.household_list, name="household_list"),
    path("ho/them/", views.household_create, name="household_create"),
    path("ho/<int:pk>/", views.household_detail, name="household_detail"),
    path("ho/<int:pk>/them-thanh-vien/", views.household_add_member, name="household_add_member"),
    path("ho/<int:pk>/roi-ho/", views.household_remove_member, name="household_remove_member"),
    path("ho/<int:pk>/doi-chu-ho/", views.household_change_head, name="household_change_head"),
    path("ho/<int:pk>/chuyen-dia-chi/", views.household_move, name="household_move"),
    path("nhap-excel/", import_views.import_upload, name="import_upload"),
    path("nhap-excel/mau/", import_views.import_template, name="import_template"),
    path("nhap-excel/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("nhap-excel/<int:pk>/ghi/", import_views.import_commit, name="import_commit"),
    path("nhap-excel/<int:pk>/bao-cao-loi/", import_views.import_error_report, name="import_error_report"),
]
