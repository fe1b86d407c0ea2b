from django.contrib import admin

from ansinh.matching.models import CandidatePair, FileMatch, MatchingSettings, MatchRun, NonMatch, PersonMerge


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = ("id", "status", "created_by", "started_at", "finished_at", "records", "pairs_total", "auto_merged")
    exclude = ("model",)
    readonly_fields = [f.name for f in MatchRun._meta.fields if f.name != "model"]


@admin.register(CandidatePair)
class CandidatePairAdmin(admin.ModelAdmin):
    list_display = ("id", "person_low_id", "person_high_id", "probability", "band", "status")
    list_filter = ("status", "band")
    raw_id_fields = ("person_low", "person_high", "run", "decided_by")


@admin.register(PersonMerge)
class PersonMergeAdmin(admin.ModelAdmin):
    list_display = ("id", "kept_id", "merged_id", "actor", "merged_at", "undone_at", "automatic")
    raw_id_fields = ("kept", "merged", "pair", "actor", "undone_by")

    def has_change_permission(self, request, obj=None):  # merges change only through the services
        return False


admin.site.register(NonMatch)
admin.site.register(MatchingSettings)
admin.site.register(FileMatch)
