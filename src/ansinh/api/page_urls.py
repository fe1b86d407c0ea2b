from django.urls import path

from ansinh.api import views

app_name = "api_pages"
urlpatterns = [path("nhat-ky-truy-cap/", views.access_log, name="access_log"),
               path("du-lieu-ca-nhan/", views.person_data, name="person_data"),
               path("yeu-cau-chu-the-du-lieu/", views.request_list, name="request_list"),
               path("yeu-cau-chu-the-du-lieu/<int:pk>/", views.request_detail, name="request_detail"),
               path("yeu-cau-chu-the-du-lieu/<int:pk>/<slug:step>/", views.request_step, name="request_step"),
               path("vi-pham-du-lieu/", views.breach_list, name="breach_list"),
               path("vi-pham-du-lieu/<int:pk>/", views.breach_detail, name="breach_detail"),
               path("vi-pham-du-lieu/<int:pk>/<slug:step>/", views.breach_step, name="breach_step")]
