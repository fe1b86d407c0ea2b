from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "ansinh.programmes"
    verbose_name = "Chương trình hỗ trợ"
