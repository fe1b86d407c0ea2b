from django.contrib import admin
from django.http import Http404

from ansinh.accounts.permissions import scope_to_area
from ansinh.casework import selectors
from ansinh.casework.models import DeadlineRule, Reception, ReceptionCitizen
from ansinh.casework.permissions import can_read_petitions


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


class RegisterReadOnly(admin.ModelAdmin):
    """The register of citizen reception is written through ``services.receptions`` only (one transaction with its
    petition and its audit row): here it is read, by the petitions' readers, within their area."""

    commune_field = "commune"
    number_prefix = ""
    search_help_text = "Tìm theo số trong sổ, ví dụ 2026/0012 (hoặc 2026/12, hoặc chỉ số thứ tự 12)."
    search_fields = ("sequence",)  # shows the search box; the number is matched by get_search_results

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) and can_read_petitions(request.user)

    def has_module_permission(self, request) -> bool:
        return super().has_module_permission(request) and can_read_petitions(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return scope_to_area(super().get_queryset(request), request.user, commune_field=self.commune_field)

    def get_object(self, request, object_id, from_field=None):
        """An entry outside the user's area is a 404, as on the register's own pages (not the admin's redirect
        that says it does not exist)."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("Không tìm thấy lượt tiếp công dân.")
        return obj

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        query = selectors.reception_number_query(search_term, prefix=self.number_prefix)
        return (queryset.filter(query) if query is not None else queryset.none()), False


@admin.display(description="Thứ tự")
def citizen_position(obj: ReceptionCitizen) -> int:
    """1 is the citizen who speaks; the others are the delegation's representatives."""
    return obj.position + 1


def _citizen_columns(request) -> tuple:
    """The columns of a citizen's personal data, as ``selectors.citizen_as_seen`` lets this request's user see them
    (the complaint handlers of the commune; everyone else reads that there were so many, not who). Made once per
    request — the admin objects are shared between requests — and the same objects in ``fields`` and
    ``readonly_fields``."""
    columns = getattr(request, "_casework_citizen_columns", None)
    if columns is None:
        user = request.user

        @admin.display(description="Họ tên")
        def citizen_name(obj: ReceptionCitizen) -> str:
            return selectors.citizen_as_seen(user, obj).name

        @admin.display(description="Địa chỉ")
        def citizen_address(obj: ReceptionCitizen) -> str:
            return selectors.citizen_as_seen(user, obj).address or "—"

        @admin.display(description="Số định danh")
        def citizen_identity(obj: ReceptionCitizen) -> str:
            return selectors.citizen_as_seen(user, obj).identity or "—"

        columns = request._casework_citizen_columns = (citizen_name, citizen_address, citizen_identity)
    return columns


class CitizenInline(admin.TabularInline):
    model = ReceptionCitizen
    extra = 0
    can_delete = False

    def get_fields(self, request, obj=None):
        return (citizen_position, *_citizen_columns(request))

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reception")


@admin.register(Reception)
class ReceptionAdmin(RegisterReadOnly):
    list_display = ("register_number", "received_at", "session", "kind", "commune", "people_count", "outcome",
                    "petition_number", "received_by")
    list_display_links = ("register_number",)
    list_filter = ("received_at", "kind", "session", "outcome")
    list_select_related = ("commune", "received_by", "petition")
    date_hierarchy = "received_at"
    ordering = ("-year", "-sequence")
    fields = ("register_number", "received_at", "place", "session", "received_by", "commune", "people_count", "kind",
              "content", "handled_before", "outcome", "outcome_note", "refusal_ground", "petition_number",
              "created_by", "created_at")
    readonly_fields = fields
    inlines = (CitizenInline,)

    @admin.display(description="Số trong sổ")
    def register_number(self, obj: Reception) -> str:
        return obj.number

    @admin.display(description="Đơn được tiếp nhận")
    def petition_number(self, obj: Reception) -> str:
        return obj.petition.number if obj.petition_id else "—"


@admin.register(ReceptionCitizen)
class ReceptionCitizenAdmin(RegisterReadOnly):
    commune_field = "reception__commune"
    number_prefix = "reception__"
    search_fields = ("reception__sequence",)
    list_filter = ("reception__received_at", "reception__kind")
    list_select_related = ("reception",)
    ordering = ("-reception__year", "-reception__sequence", "position")

    def get_list_display(self, request):
        name, _address, identity = _citizen_columns(request)
        return ("register_number", "received_at", "kind", citizen_position, name, identity)

    def get_fields(self, request, obj=None):
        return ("register_number", "received_at", "kind", citizen_position, *_citizen_columns(request))

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reception")

    @admin.display(description="Số trong sổ")
    def register_number(self, obj: ReceptionCitizen) -> str:
        return obj.reception.number

    @admin.display(description="Thời gian tiếp", ordering="reception__received_at")
    def received_at(self, obj: ReceptionCitizen):
        return obj.reception.received_at

    @admin.display(description="Phân loại")
    def kind(self, obj: ReceptionCitizen) -> str:
        return obj.reception.get_kind_display()
