"""The idle session timeout: a session unused for SESSION_IDLE_MINUTES ends; each request moves the expiry on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_an_idle_session_ends_and_an_active_one_moves_on(officer_a):
    client = Client()
    client.force_login(officer_a)
    assert client.get("/").status_code == 200
    session = Session.objects.get()
    left = session.expire_date - timezone.now()
    assert dt.timedelta(minutes=settings.SESSION_IDLE_MINUTES - 1) < left <= dt.timedelta(
        minutes=settings.SESSION_IDLE_MINUTES)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + dt.timedelta(minutes=1))
    assert client.get("/").status_code == 200  # used again: the expiry moves on
    assert Session.objects.get().expire_date - timezone.now() > dt.timedelta(minutes=settings.SESSION_IDLE_MINUTES - 1)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/ho-so/nhan-khau/")
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
