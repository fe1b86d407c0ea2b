"""Destructive demo commands and the demo's known-password accounts are refused in production."""

from __future__ import annotations

import importlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ansinh.core.safety import RefusedInProduction, is_production, refuse_in_production


def test_allowed_outside_production(monkeypatch, settings):
    monkeypatch.delenv("ANSINH_ENV", raising=False)
    settings.ANSINH_ENV = "development"
    assert not is_production()
    refuse_in_production("thử")  # no error


def test_refused_when_the_environment_says_production(monkeypatch):
    monkeypatch.setenv("ANSINH_ENV", "production")
    with pytest.raises(CommandError, match="ANSINH_ENV=production"):
        refuse_in_production("xoá dữ liệu")


def test_refused_when_the_settings_say_production(monkeypatch, settings):
    monkeypatch.delenv("ANSINH_ENV", raising=False)
    settings.ANSINH_ENV = "production"
    with pytest.raises(RefusedInProduction, match="«xoá dữ liệu»"):
        refuse_in_production("xoá dữ liệu")


@pytest.mark.django_db
def test_demo_load_reset_refuses_in_production(monkeypatch, household_a):
    from ansinh.registry.models import Household, Person

    persons = Person.objects.count()
    monkeypatch.setenv("ANSINH_ENV", "production")
    with pytest.raises(CommandError, match="demo_load --reset"):
        call_command("demo_load", "--reset", "--persons", "10")
    assert Household.objects.filter(pk=household_a.pk).exists()
    assert Person.objects.count() == persons


def _find(name: str, *modules: str):
    """``name`` from the first of ``modules`` that exists (the demo code is moving into the demo app)."""
    for module in modules:
        try:
            return getattr(importlib.import_module(module), name)
        except ModuleNotFoundError as missing:
            if not module.startswith(missing.name or "?"):
                raise
    raise AssertionError(f"không tìm thấy {name} trong {', '.join(modules)}")


@pytest.mark.django_db
def test_scenario_reset_refuses_in_production(monkeypatch):
    scenario_reset = _find("scenario_reset", "ansinh.demo.covid_2020", "ansinh.programmes.scenario")
    monkeypatch.setenv("ANSINH_ENV", "production")
    with pytest.raises(RefusedInProduction):
        scenario_reset()


@pytest.mark.django_db
def test_demo_users_are_not_created_in_production(monkeypatch, units):
    from ansinh.accounts.models import User

    demo_users_ensure = _find("demo_users_ensure", "ansinh.demo.users", "ansinh.accounts.services")
    monkeypatch.setenv("ANSINH_ENV", "production")
    with pytest.raises(RefusedInProduction):
        demo_users_ensure(province_code="42")
    assert not User.objects.filter(username__in=["quantri", "xa", "so"]).exists()
