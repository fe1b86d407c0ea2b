from django.urls import path

from ansinh.accounts import views

app_name = "two_factor"
urlpatterns = [
    path("", views.verify, name="verify"),
    path("dang-ky/", views.enrol, name="enrol"),
    path("dat-lai/<int:user_id>/", views.reset, name="reset"),
]
