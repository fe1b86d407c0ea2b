from __future__ import annotations

from programmes.conftest import appraiser, programme, world  # noqa: F401  (the programme world)
