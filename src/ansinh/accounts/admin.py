from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from ansinh.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "area", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["area"]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Phân quyền ansinh", {"fields": ("role", "area", "position")}))
