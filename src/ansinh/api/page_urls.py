from django.urls import path

from ansinh.api import views

app_name = "api_pages"
urlpatterns = [path("nhat-ky-truy-cap/", views.access_log, name="access_log"),
               path("du-lieu-ca-nhan/", views.person_data, name="person_data")]
