from django.contrib import admin

from ansinh.api.models import ApiClient, DataRequestRule


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """Read only: keys are issued and revoked by ``ansinh api_client`` (the services, with their audit rows)."""

    list_display = ("name", "key_prefix", "account", "rate_limit", "expires_at", "revoked_at", "last_used_at")
    search_fields = ("name", "key_prefix")
    readonly_fields = [f.name for f in ApiClient._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DataRequestRule)
class DataRequestRuleAdmin(admin.ModelAdmin):
    """The administrator fills in the answer deadlines not confirmed from NĐ 356/2025/NĐ-CP (with their reference);
    until then the requests of that kind cannot be acknowledged (``api.protection.answer_deadline``)."""

    list_display = ("kind", "days", "working_days", "third_party_days", "extension_days", "reference")
    fields = ("kind", "days", "working_days", "third_party_days", "extension_days", "reference")
    readonly_fields = ("kind",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
