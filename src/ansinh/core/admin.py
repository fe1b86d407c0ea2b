"""The background tasks' results (django-tasks) in Vietnamese: the columns the package names in English."""

from django.contrib import admin
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from ansinh.core.models import PublicHoliday

TASK_LABELS = {
    "import_check_task": "Kiểm tra tệp nhập",
    "import_commit_task": "Ghi dữ liệu của tệp nhập",
    "match_run_task": "Chạy ghép trùng nhân khẩu",
}


class TaskResultAdmin(DBTaskResultAdmin):
    list_display = ("task_label", "status", "enqueued_at", "started_at", "finished_at", "priority", "queue_name")

    @admin.display(description="Tác vụ")
    def task_label(self, obj: DBTaskResult) -> str:
        name = obj.task_path.rsplit(".", 1)[-1]
        return TASK_LABELS.get(name, name)

    @admin.display(description="Chi tiết lỗi")
    def formatted_traceback(self, obj: DBTaskResult) -> str:
        return super().formatted_traceback(obj)

    @admin.display(description="Chạy sau")
    def display_run_after(self, obj: DBTaskResult):
        return super().display_run_after(obj)


if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)


@admin.register(PublicHoliday)
class PublicHolidayAdmin(admin.ModelAdmin):
    list_display = ("day", "name", "reference")
    list_filter = ("day",)
    search_fields = ("name",)
    date_hierarchy = "day"
