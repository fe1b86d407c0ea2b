"""The second login step enforced on every page: a signed-in user whose account needs two-factor login
(``two_factor.two_factor_enforced``) and who has not passed it in this session is sent to the code page (or to
the enrolment page when he has no device yet) from every page but those pages, the logins and logouts (the site's
and the admin's), the static files and the API (``/api/``: connected systems authenticate by key, not session).
The Django admin (``/quan-tri/``) is one of the pages that need it.

Installed after django-otp's ``OTPMiddleware`` (which says whether this session's user was verified)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from ansinh.accounts.two_factor import two_factor_enforced

EXEMPT_NAMES = {("", "login"), ("", "logout"), ("admin", "login"), ("admin", "logout")}
NAMESPACE = "two_factor"


def _exempt(request: HttpRequest) -> bool:
    path = request.path_info
    if path.startswith("/api/") or path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return True
    match = request.resolver_match
    return match is not None and (NAMESPACE in match.namespaces or (match.namespace, match.url_name) in EXEMPT_NAMES)


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or _exempt(request) or not two_factor_enforced(user):
            return None
        if user.is_verified():
            return None
        target = reverse(f"{NAMESPACE}:verify")
        if request.method == "GET" and request.path_info != reverse("web:home"):
            target += "?" + urlencode({"next": request.get_full_path()})
        if getattr(request, "htmx", False):  # a fragment request: the whole page goes to the code page
            from django_htmx.http import HttpResponseClientRedirect

            return HttpResponseClientRedirect(target)
        return HttpResponseRedirect(target)
