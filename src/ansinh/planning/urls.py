from django.urls import path

from ansinh.planning import define_views as define
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
    path("chi-tieu/", define.indicator_list, name="indicator_list"),
    path("chi-tieu/them/", define.indicator_create, name="indicator_create"),
    path("chi-tieu/<int:pk>/", define.indicator_detail, name="indicator_detail"),
    path("ke-hoach-giao/", define.target_list, name="target_list"),
    path("ke-hoach-giao/giao/", define.target_create, name="target_create"),
    path("ke-hoach-giao/<int:pk>/", define.target_detail, name="target_detail"),
    path("che-do-bao-cao/", define.report_form_list, name="report_form_list"),
    path("che-do-bao-cao/them/", define.report_form_create, name="report_form_create"),
    path("che-do-bao-cao/<int:pk>/", define.report_form_detail, name="report_form_detail"),
    path("che-do-bao-cao/don-vi/<int:pk>/ket-thuc/", define.obligation_end, name="obligation_end"),
    path("nhiem-vu/", views.task_list, name="task_list"),
    path("nhiem-vu/giao/", define.task_create, name="task_create"),
    path("nhiem-vu/<int:pk>/", views.task_detail, name="task_detail"),
    path("ket-luan/", define.conclusion_list, name="conclusion_list"),
    path("ket-luan/them/", define.conclusion_create, name="conclusion_create"),
    path("ket-luan/<int:pk>/", define.conclusion_detail, name="conclusion_detail"),
    path("ket-luan/<int:pk>/ban-hanh/", define.conclusion_issue, name="conclusion_issue"),
    path("van-ban/", views.document_list, name="document_list"),
    path("van-ban/<int:pk>/", views.document_detail, name="document_detail"),
    path("van-ban/<int:pk>/tep.<str:fmt>", views.document_file, name="document_file"),
    path("nhap/", views.import_upload, name="import_upload"),
    path("nhap/<int:pk>/", views.import_detail, name="import_detail"),
    path("nhap/<int:pk>/loi.xlsx", views.import_report, name="import_report"),
    path("nhap/<int:pk>/ghi/", views.import_commit, name="import_commit"),
]
