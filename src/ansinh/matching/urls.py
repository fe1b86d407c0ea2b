from django.urls import path

from ansinh.matching import views

app_name = "matching"
urlpatterns = [
    path("", views.pair_list, name="pair_list"),
    path("kiem-tra/", views.duplicate_check, name="duplicate_check"),
    path("cap/<int:pk>/", views.pair_detail, name="pair_detail"),
    path("cap/<int:pk>/gop/", views.pair_merge, name="pair_merge"),
    path("cap/<int:pk>/khac-nguoi/", views.pair_different, name="pair_different"),
    path("da-gop/", views.merge_list, name="merge_list"),
    path("da-gop/<int:pk>/", views.merge_detail, name="merge_detail"),
    path("da-gop/<int:pk>/hoan-tac/", views.merge_undo, name="merge_undo"),
    path("chay/", views.run_start, name="run_start"),
    path("chay/<int:pk>/", views.run_status, name="run_status"),
    path("cai-dat/", views.settings_edit, name="settings"),
    path("tep/", views.file_upload, name="file_upload"),
    path("tep/<int:pk>/", views.file_detail, name="file_detail"),
    path("tep/<int:pk>/ghep/", views.file_commit, name="file_commit"),
    path("tep/<int:pk>/bao-cao-loi.xlsx", views.file_report, name="file_report"),
    path("tep/<int:pk>/tai-ve/", views.file_download, name="file_download"),
]
