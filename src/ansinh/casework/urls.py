from django.urls import path

from ansinh.casework import views

app_name = "casework"

urlpatterns = [
    path("", views.petition_list, name="petition_list"),
    path("tiep-nhan/", views.petition_create, name="petition_create"),
    path("bao-cao/", views.petition_report, name="petition_report"),
    path("tiep-cong-dan/", views.reception_list, name="reception_list"),
    path("tiep-cong-dan/ghi-so/", views.reception_create, name="reception_create"),
    path("tiep-cong-dan/<int:pk>/", views.reception_detail, name="reception_detail"),
    path("<int:pk>/", views.petition_detail, name="petition_detail"),
    path("<int:pk>/<slug:step>/", views.petition_step, name="petition_step"),
    path("thanh-tra/", views.inspection_list, name="inspection_list"),
    path("thanh-tra/them/", views.inspection_create, name="inspection_create"),
    path("thanh-tra/truy-thu/", views.recovery_followup, name="recovery_followup"),
    path("thanh-tra/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("thanh-tra/<int:pk>/khoan-thu-hoi/", views.demand_add, name="demand_add"),
    path("thanh-tra/<int:pk>/ket-luan/", views.inspection_conclude, name="inspection_conclude"),
    path("thanh-tra/<int:pk>/ghi-so-truy-thu/", views.inspection_to_ledger, name="inspection_to_ledger"),
]
