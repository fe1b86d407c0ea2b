from django.urls import path

from ansinh.policy import views

app_name = "policy"
urlpatterns = [
    path("tham-so/", views.parameter_list, name="parameter_list"),
    path("tham-so/de-xuat/", views.change_propose, name="change_propose"),
    path("tham-so/cho-duyet/", views.change_queue, name="change_queue"),
    path("tham-so/de-xuat/<int:pk>/duyet/", views.change_approve, name="change_approve"),
    path("tham-so/de-xuat/<int:pk>/tu-choi/", views.change_reject, name="change_reject"),
    path("tham-so/de-xuat/<int:pk>/rut/", views.change_withdraw, name="change_withdraw"),
    path("giai-thich/", views.explanation, name="explain"),
]
