from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "ansinh.policy"
    label = "policy"
    verbose_name = "Chính sách và tham số"
