"""``{% two_factor_login_note %}``: on the login page, says when two-factor login is off (development only)."""

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("accounts/_two_factor_login_note.html")
def two_factor_login_note() -> dict:
    return {"show": not getattr(settings, "ANSINH_2FA_REQUIRED", True)}
