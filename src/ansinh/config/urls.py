import logging

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponseNotFound, HttpResponseServerError
from django.template import loader
from django.urls import include, path

admin.site.site_header = "Quản trị ansinh"
admin.site.site_title = "Quản trị ansinh"
admin.site.index_title = "Quản trị hệ thống"

urlpatterns = [
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("xac-thuc-hai-buoc/", include("ansinh.accounts.urls")),
    path("quan-tri/", admin.site.urls),
    path("ho-so/", include("ansinh.registry.urls")),
    path("chinh-sach/", include("ansinh.policy.urls")),
    path("chuong-trinh/", include("ansinh.programmes.urls")),
    path("ho-ngheo/", include("ansinh.poverty.urls")),
    path("chi-tra/", include("ansinh.payments.urls")),
    path("chi-tra-hang-thang/", include("ansinh.payroll.urls")),
    path("trung-lap/", include("ansinh.matching.urls")),
    path("lao-dong/", include("ansinh.labour.urls")),
    path("ke-hoach/", include("ansinh.planning.urls")),
    path("api/", include("ansinh.api.urls")),
    path("ket-noi/", include("ansinh.api.page_urls")),
    path("ho-so-luu-tru/", include("ansinh.dossiers.urls")),
    path("don-thu/", include("ansinh.casework.urls")),
    path("", include("ansinh.web.urls")),
]


# Vietnamese error pages rendered without the request context: no context processor (and so no session,
# user or database read) runs, so a broken database still gets the 500 page and never Django's own.
def _not_found(request, exception=None):
    return HttpResponseNotFound(loader.render_to_string("404.html"))


def _server_error(request):
    try:
        body = loader.render_to_string("500.html")
    except Exception:  # the template engine itself is broken: log it, still answer in Vietnamese
        logging.getLogger("django.request").exception("500.html could not be rendered")
        body = ('<!doctype html><html lang="vi"><meta charset="utf-8"><title>Lỗi hệ thống</title>'
                "<h1>Hệ thống gặp lỗi</h1><p>Vui lòng thử lại sau ít phút.</p></html>")
    return HttpResponseServerError(body)


handler404 = _not_found
handler500 = _server_error
