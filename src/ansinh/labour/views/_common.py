"""What the views share: the reader check, the area's communes, the period and area of the indicator pages, a
service call that turns a refusal into a message."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import HttpRequest
from django.utils import timezone

from ansinh.accounts.permissions import area_current_communes
from ansinh.core.errors import DomainError
from ansinh.core.params import int_param
from ansinh.labour.permissions import can_read

PAGE_SIZE = 100


def require_reader(user) -> None:
    if not can_read(user):
        raise HttpForbidden("Vai trò của bạn không xem được dữ liệu lao động, việc làm, giáo dục nghề nghiệp.")


def communes_for(user) -> list:
    return list(area_current_communes(user)[:2000])


def commune_choice(request: HttpRequest, name: str = "commune"):
    """The commune a filter names, if it is one of the user's area (anything else: no filter)."""
    pk = int_param(request.GET, name)
    if pk is None:
        return None
    return next((c for c in communes_for(request.user) if c.pk == pk), None)


def year_param(request: HttpRequest, name: str = "year") -> int:
    return int_param(request.GET, name, minimum=2015, maximum=2100) or timezone.localdate().year


def attempt(request: HttpRequest, action: Callable[[], object], success: str = ""):
    """Run a service; a refusal becomes an error message (nothing was written). Returns the result or None."""
    try:
        result = action()
    except DomainError as err:
        messages.error(request, err.message)
        return None
    if success:
        messages.success(request, success)
    return result


def form_error(request: HttpRequest, form) -> None:
    """The first problem of an invalid form, as a message (inline forms of a detail page)."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {errors[0]}" if label else errors[0])
        return
