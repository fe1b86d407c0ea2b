"""The shipped matching model (``src/ansinh/matching/default_model.json``): how it is made, from a seeded synthetic
province with planted duplicates. ``ansinh train_default_model`` regenerates it."""

from __future__ import annotations

import polars as pl

from ansinh.demo.duplicates import add_duplicates, ha_tinh_units
from ansinh.demo.synthetic import CommuneSpec, generate_population
from ansinh.matching import model as mm
from ansinh.matching.normalize import prepare_records

DEFAULT_MODEL_PERSONS = 300_000
DEFAULT_MODEL_SEED = 7  # not the benchmark's seed (1): the shipped model never saw the benchmark data


def build_default_model(*, persons: int = DEFAULT_MODEL_PERSONS, seed: int = DEFAULT_MODEL_SEED,
                        rate: float = 0.08, db_api=None) -> mm.MatchModel:
    """The shipped model: the Vietnamese model trained (unsupervised, as on a real registry)
    on a seeded synthetic Hà Tĩnh (``ansinh.demo.synthetic.generate_population`` over
    the 69 real communes) with duplicates written by ``demo.duplicates.add_duplicates``.
    Deterministic for a given ``persons``/``seed``. Term frequencies are rounded to keep
    the JSON small; a province should retrain on its own registry (``ansinh match-registry``)."""
    units = ha_tinh_units()
    population = generate_population(
        persons=persons, seed=seed, communes=[CommuneSpec(c, n, u) for c, n, u in units.communes])
    raw = add_duplicates(population.persons, rate=rate, seed=seed, units=units)
    records = prepare_records(raw.with_columns(unique_id=pl.col("record_id")), commune_map=units.old_to_new)
    model = mm.train(records, seed=seed, db_api=db_api)
    model.tf_tables = {col: {k: float(f"{v:.3g}") for k, v in sorted(table.items())}
                       for col, table in model.tf_tables.items()}
    return model
