from django.contrib import admin

from ansinh.geo.models import AdminUnit, UnitSuccession


@admin.register(AdminUnit)
class AdminUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "structure", "province_code", "valid_from", "valid_to"]
    list_filter = ["level", "structure"]
    search_fields = ["code", "name", "search_key"]
    raw_id_fields = ["parent", "legacy_district"]


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ["old", "new", "is_default", "effective"]
    raw_id_fields = ["old", "new"]
