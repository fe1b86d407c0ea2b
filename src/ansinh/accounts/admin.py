from axes.admin import AccessAttemptAdmin as BaseAccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.html import format_html
from django_otp.plugins.otp_totp.models import TOTPDevice

from ansinh.accounts.models import User
from ansinh.accounts.permissions import requires_two_factor


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "area", "is_active", "two_factor"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["area"]
    readonly_fields = ["two_factor"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            has_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))

    @admin.display(description="Xác thực hai bước")
    def two_factor(self, obj: User):
        """Enrolled or not, and the audited reset page (a lost telephone): the device itself is not edited here."""
        if obj.pk is None:
            return "—"
        state = "Đã đăng ký" if getattr(obj, "has_device", False) else (
            "Chưa đăng ký" if requires_two_factor(obj) else "Không bắt buộc")
        return format_html('{} · <a href="{}">đặt lại</a>', state, reverse("two_factor:reset", args=[obj.pk]))
    # What a user may do comes from the role and the area (accounts.permissions), not Django's groups and
    # permissions: those are left out of the form (and Group out of the admin) so nobody sets them in vain.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Thông tin cá nhân", {"fields": ("last_name", "first_name", "email")}),
        ("Phân quyền ansinh", {"fields": ("role", "area", "position", "two_factor")}),
        ("Trạng thái tài khoản", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Những ngày quan trọng", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        ("Phân quyền ansinh", {"fields": ("last_name", "first_name", "role", "area", "position")}),
    )


if admin.site.is_registered(Group):
    admin.site.unregister(Group)


class AccessAttemptAdmin(BaseAccessAttemptAdmin):
    """django-axes' lock counter: the two columns the package leaves unnamed, named in Vietnamese."""

    @admin.display(description="Hết hạn lúc")
    def expiration(self, obj: AccessAttempt):
        return super().expiration(obj)

    @admin.display(description="Tình trạng")
    def status(self, obj: AccessAttempt):
        return super().status(obj)


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, AccessAttemptAdmin)


# The TOTP devices (their secret keys) are not edited in the admin: a device is made by its owner's enrolment and
# removed by the audited reset (accounts.two_factor), linked from the users' list.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
