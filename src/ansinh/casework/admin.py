from django.contrib import admin

from ansinh.casework.models import DeadlineRule


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    """The administrator fills in the deadlines not confirmed from the law (with their reference)."""

    list_display = ("kind", "stage", "days", "working_days", "max_extensions", "reference")
    list_filter = ("kind",)
    fields = ("kind", "stage", "days", "working_days", "max_extensions", "reference")
    readonly_fields = ("kind", "stage")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
