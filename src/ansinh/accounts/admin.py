from axes.admin import AccessAttemptAdmin as BaseAccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group

from ansinh.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "area", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["area"]
    # What a user may do comes from the role and the area (accounts.permissions), not Django's groups and
    # permissions: those are left out of the form (and Group out of the admin) so nobody sets them in vain.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Thông tin cá nhân", {"fields": ("last_name", "first_name", "email")}),
        ("Phân quyền ansinh", {"fields": ("role", "area", "position")}),
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
