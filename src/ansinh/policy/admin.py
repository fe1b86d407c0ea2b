"""Read-only admin: parameter values change only through the maker-checker services."""

from django.contrib import admin

from ansinh.policy.models import ParameterChange


@admin.register(ParameterChange)
class ParameterChangeAdmin(admin.ModelAdmin):
    list_display = ("parameter", "start", "value", "status", "proposed_by", "decided_by", "decided_at")
    list_filter = ("status",)
    search_fields = ("parameter", "reference")
    list_select_related = ("proposed_by", "decided_by")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
