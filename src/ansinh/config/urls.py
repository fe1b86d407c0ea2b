from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("quan-tri/", admin.site.urls),
    path("ho-so/", include("ansinh.registry.urls")),
    path("chinh-sach/", include("ansinh.policy.urls")),
    path("chuong-trinh/", include("ansinh.programmes.urls")),
    path("chi-tra/", include("ansinh.payments.urls")),
    path("trung-lap/", include("ansinh.matching.urls")),
    path("", include("ansinh.web.urls")),
]
