"""``ansinh train_default_model [--persons N] [--seed S] [--out PATH]``: regenerate the shipped
default model (``src/ansinh/matching/default_model.json``) from a seeded synthetic province with
duplicates. Same arguments, same file."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Ước lượng lại mô hình ghép trùng mặc định trên một tỉnh tổng hợp (có bản ghi trùng)."

    def add_arguments(self, parser):
        from ansinh.demo.matching_model import DEFAULT_MODEL_PERSONS, DEFAULT_MODEL_SEED
        from ansinh.matching import files

        parser.add_argument("--persons", type=int, default=DEFAULT_MODEL_PERSONS)
        parser.add_argument("--seed", type=int, default=DEFAULT_MODEL_SEED)
        parser.add_argument("--out", type=Path, default=files.DEFAULT_MODEL)

    def handle(self, *args, **options):
        from ansinh.demo.matching_model import build_default_model
        from ansinh.matching import files

        started = time.perf_counter()
        model = build_default_model(persons=options["persons"], seed=options["seed"])
        path = files.save_model(model, options["out"])
        self.stdout.write(f"{path} ({path.stat().st_size / 1024:.0f} KB) trong {time.perf_counter() - started:.0f} s")
