"""The two-factor pages: the code after the password, the first enrolment, an administrator's reset. Thin: bind
the form, call ``two_factor``, render; a wrong code is also a failed login for django-axes (its lock applies)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import django_otp
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from ansinh.accounts import two_factor
from ansinh.accounts.forms import CodeForm, ResetForm
from ansinh.accounts.models import Role, User
from ansinh.accounts.permissions import requires_two_factor
from ansinh.core.errors import UserError

ENROL_KEY = "ansinh_2fa_enrol_key"  # the secret shown on the enrolment page, until its first code confirms it
HEX_KEY = re.compile(r"[0-9a-f]{40}")


def _next(request: HttpRequest) -> str:
    """Where to go once verified: a path of this site, never elsewhere (``?next=//evil.example`` goes home)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if (candidate.startswith("/") and not any(ord(c) < 32 for c in candidate)
            and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure())
            and not candidate.startswith(reverse("two_factor:verify"))):
        return candidate
    return reverse("web:home")


def _with_next(name: str, target: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': target})}"


def _passed(request: HttpRequest, device) -> None:
    request.session.cycle_key()  # a new session key once the second step is passed
    django_otp.login(request, device)


def _failed(request: HttpRequest) -> HttpResponse | None:
    """A wrong code counts as a failed login (django-axes): at the limit the session ends and the lock page shows
    (AxesMiddleware answers it), as after too many wrong passwords."""
    user_login_failed.send(sender=__name__, credentials={"username": request.user.get_username()}, request=request)
    if getattr(request, "axes_locked_out", False):
        logout(request)
        return HttpResponseRedirect(reverse("login"))
    return None


def _code_step(request: HttpRequest, form: CodeForm, action) -> tuple[HttpResponse | None, bool]:
    """Run ``action(code)``: on success pass the second step, (the next page, True); on a refusal the message on
    the form, (None, False) — or (the lock, False) when django-axes' limit is reached."""
    try:
        device = action(form.cleaned_data["code"])
    except two_factor.WrongCode as err:
        form.add_error("code", err.message)
        return _failed(request), False
    except UserError as err:
        form.add_error("code", err.message)
        return None, False
    _passed(request, device)
    return redirect(_next(request)), True


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    user, target = request.user, _next(request)
    if not requires_two_factor(user) or user.is_verified():
        return redirect(target)
    if not two_factor.is_enrolled(user):
        return redirect(_with_next("two_factor:enrol", target))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response, _ = _code_step(request, form, lambda code: two_factor.two_factor_verify(user=user, token=code))
        if response is not None:
            return response
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": target,
                                                                "two_factor_pending": True})


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    user, target = request.user, _next(request)
    if not requires_two_factor(user):
        messages.info(request, "Tài khoản của bạn không cần xác thực hai bước.")
        return redirect(target)
    if two_factor.is_enrolled(user):
        return redirect(_with_next("two_factor:verify", target))
    key = request.session.get(ENROL_KEY)
    if not (isinstance(key, str) and HEX_KEY.fullmatch(key)):
        key = request.session[ENROL_KEY] = two_factor.new_secret()
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response, passed = _code_step(request, form,
                                      lambda code: two_factor.two_factor_enrol(actor=user, key=key, token=code))
        if passed:
            request.session.pop(ENROL_KEY, None)
            messages.success(request, "Đã đăng ký ứng dụng xác thực. Từ nay, mỗi lần đăng nhập, sau mật khẩu hãy "
                                      "nhập mã 6 chữ số đang hiện trên ứng dụng.")
        if response is not None:
            return response
    return render(request, "accounts/two_factor_enrol.html", {
        "form": form, "next": target, "two_factor_pending": True, "qr_svg": two_factor.qr_svg(key, user.get_username()),
        "secret": two_factor.secret_text(key)})


@login_required
def reset(request: HttpRequest, user_id: int) -> HttpResponse:
    if request.user.role != Role.ADMINISTRATOR:
        raise HttpForbidden("Chỉ quản trị hệ thống được đặt lại xác thực hai bước.")
    person = get_object_or_404(User.objects.select_related("area"), pk=user_id)
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            removed = two_factor.two_factor_reset(actor=request.user, user=person, reason=form.cleaned_data["reason"])
        except UserError as err:
            form.add_error("reason" if err.field == "reason" else None, err.message)
        else:
            messages.success(request, f"Đã đặt lại xác thực hai bước của {person.username}" + (
                ": lần đăng nhập tới, người dùng đăng ký lại ứng dụng xác thực." if removed
                else " (tài khoản chưa đăng ký ứng dụng nào)."))
            return redirect("two_factor:reset", user_id=person.pk)
    return render(request, "accounts/two_factor_reset.html", {
        "person": person, "device": two_factor.confirmed_device(person), "own": person.pk == request.user.pk,
        "needed": requires_two_factor(person), "form": form})
