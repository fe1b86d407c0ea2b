"""Imports only go downward: each app imports only its own modules and the apps of the lower layers that
docs/architecture.md draws (apps of one layer import none of each other). Migrations are history, not code."""

from __future__ import annotations

import ast
from pathlib import Path

import ansinh

LAYERS = [{"core"}, {"geo"}, {"accounts"}, {"registry"}, {"policy"}, {"programmes"},
          {"payroll", "payments", "poverty"}, {"matching"}, {"labour"},
          {"planning", "casework", "dossiers", "api"}, {"web"}, {"demo"}, {"config"}]  # config: settings and URLs
LEVEL = {app: level for level, apps in enumerate(LAYERS) for app in apps}
ROOT = Path(ansinh.__file__).parent


def _imported_apps(path: Path) -> set[str]:
    apps = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
        apps |= {n.split(".")[1] for n in names if n.startswith("ansinh.") and n.count(".") >= 1}
    return apps


def test_every_app_is_in_a_layer():
    apps = {p.name for p in ROOT.iterdir() if (p / "apps.py").exists()}
    assert apps == set(LEVEL), "docs/architecture.md and this test draw the same layers"


def test_imports_only_go_downward():
    wrong = []
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if len(parts) < 2 or parts[0] not in LEVEL or "migrations" in parts:
            continue
        app = parts[0]
        for other in _imported_apps(path) - {app}:
            if other in LEVEL and LEVEL[other] >= LEVEL[app]:
                wrong.append(f"{path.relative_to(ROOT)} imports ansinh.{other}")
    assert not wrong, "\n".join(sorted(wrong))
