"""The demo province: a synthetic population on the real communes, written through the bulk path."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import polars as pl
from django.db import transaction

from ansinh.core.text import fold_expr
from ansinh.demo.synthetic import CommuneSpec, generate_population
from ansinh.geo.models import AdminUnit, Level, Structure, UnitSuccession
from ansinh.registry.bulk import BulkResult, bulk_insert_registry


def _communes(province_code: str) -> tuple[list[AdminUnit], dict[int, list[int]]]:
    communes = list(AdminUnit.objects.filter(level=Level.COMMUNE, structure=Structure.CURRENT,
                                             province_code=province_code).order_by("code"))
    predecessors: dict[int, list[int]] = defaultdict(list)
    for old_id, new_id in UnitSuccession.objects.filter(new__in=communes, is_default=True).values_list(
            "old_id", "new_id").order_by("old__code"):
        predecessors[new_id].append(old_id)
    return communes, predecessors


@transaction.atomic
def demo_population_load(*, persons: int, seed: int, province_code: str) -> BulkResult:
    """Generate ``persons`` people in households on the province's current communes and write them.

    A commune's weight is the number of former communes merged into it (each about the same size);
    about 70% of households were registered before the 2025 reorganisation, in a former commune.
    """
    communes, predecessors = _communes(province_code)
    if not communes:
        raise RuntimeError(f"Chưa nạp đơn vị hành chính của tỉnh {province_code}.")
    specs = [CommuneSpec(code=c.code, name=c.name, is_urban=c.is_urban, weight=float(max(len(predecessors[c.pk]), 1)))
             for c in communes]
    population = generate_population(persons=persons, seed=seed, communes=specs)
    by_code = {c.code: c.pk for c in communes}

    households = population.households.with_columns(
        pl.col("commune_code").replace_strict(by_code, return_dtype=pl.Int64).alias("commune_id"))
    rng = np.random.default_rng(seed + 1)
    commune_ids = households["commune_id"].to_numpy()
    recorded = commune_ids.copy()
    before_reform = rng.random(len(recorded)) < 0.7
    for commune_id, olds in predecessors.items():
        mask = before_reform & (commune_ids == commune_id)
        if olds and mask.any():
            recorded[mask] = np.asarray(olds)[rng.integers(0, len(olds), int(mask.sum()))]
    households = households.with_columns(pl.Series("recorded_commune_id", recorded, dtype=pl.Int64))

    people = population.persons.with_columns(
        pl.col("commune_code").replace_strict(by_code, return_dtype=pl.Int64).alias("commune_id"),
        fold_expr(pl.col("full_name")).alias("search_key"),
    )
    return bulk_insert_registry(households=households, persons=people)
