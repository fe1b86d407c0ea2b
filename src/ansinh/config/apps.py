"""The third-party apps under Vietnamese names in /quan-tri/ (their models' and fields' names are translated in
``ansinh/locale/vi``; an app's own name is not a translatable string, so it is set here)."""

from axes.apps import AppConfig as AxesAppConfig
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = "Bảo vệ đăng nhập (khoá khi nhập sai mật khẩu)"


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = "Tác vụ chạy nền"
