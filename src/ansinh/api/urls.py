from django.urls import path

from ansinh.api.api import api

urlpatterns = [path("v1/", api.urls)]
