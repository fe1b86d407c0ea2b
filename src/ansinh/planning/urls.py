from django.urls import path

from ansinh.planning import views

app_name = "planning"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("don-vi/", views.unit_tree, name="unit_tree"),
    path("don-vi/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("bao-cao/", views.tracking, name="tracking"),
    path("bao-cao/lap/", views.report_open, name="report_open"),
    path("bao-cao/<int:pk>/", views.report_detail, name="report_detail"),
    path("bao-cao/<int:pk>/<slug:step>/", views.report_step, name="report_step"),
    path("nhiem-vu/", views.task_list, name="task_list"),
    path("nhiem-vu/<int:pk>/", views.task_detail, name="task_detail"),
    path("van-ban/", views.document_list, name="document_list"),
    path("van-ban/<int:pk>/", views.document_detail, name="document_detail"),
    path("van-ban/<int:pk>/tep.<str:fmt>", views.document_file, name="document_file"),
    path("nhap/", views.import_upload, name="import_upload"),
    path("nhap/<int:pk>/", views.import_detail, name="import_detail"),
    path("nhap/<int:pk>/loi.xlsx", views.import_report, name="import_report"),
    path("nhap/<int:pk>/ghi/", views.import_commit, name="import_commit"),
]
