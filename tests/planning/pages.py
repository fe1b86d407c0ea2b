"""What the planning page tests read from a response: a signed-in client, the error next to a field, the messages."""

from __future__ import annotations

import re

from django.test import Client


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def field_error(html: str, field: str) -> str:
    """The error shown next to ``field`` (empty when none)."""
    found = re.search(rf'data-testid="error-{field}"[^>]*>([^<]*)<', html)
    return found.group(1) if found else ""


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""
