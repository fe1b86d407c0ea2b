"""A per-user rate limit on a kind of request, in the shared cache (the web processes and the worker share it)."""

from __future__ import annotations

import time

from django.core.cache import cache


def allow(*, scope: str, key: str | int, limit: int, window_seconds: int = 60) -> bool:
    """True while fewer than ``limit`` requests of ``scope`` by ``key`` happened in the current window."""
    bucket = int(time.time() // window_seconds)
    name = f"throttle:{scope}:{key}:{bucket}"
    if cache.add(name, 1, timeout=window_seconds + 5):
        return True
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.add(name, 1, timeout=window_seconds + 5)
        return True
    return count <= limit
