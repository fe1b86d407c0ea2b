from django.contrib import admin

from ansinh.api.models import ApiClient


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
