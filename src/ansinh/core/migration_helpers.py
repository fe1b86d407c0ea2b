"""Helpers for the data migrations that moved the apps' upload records onto the shared import lifecycle."""

from __future__ import annotations

import os

from django.conf import settings


def relative_media_path(path: str) -> str:
    """An absolute path under MEDIA_ROOT as the name a FileField stores ("imports/…"); other paths unchanged."""
    if not path:
        return ""
    root = os.path.abspath(str(settings.MEDIA_ROOT))
    absolute = os.path.abspath(path)
    if absolute.startswith(root + os.sep):
        return os.path.relpath(absolute, root)
    return path


OLD_IMPORT_STATUS = {"validating": "checking", "validated": "checked"}
