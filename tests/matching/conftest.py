"""Small synthetic province with planted duplicates, and one model trained on it."""

from __future__ import annotations

import pytest

from ansinh.demo.duplicates import add_duplicates, ha_tinh_units
from ansinh.matching import model as mm
from ansinh.matching.normalize import prepare_records


@pytest.fixture(scope="session")
def units():
    return ha_tinh_units()


@pytest.fixture(scope="session")
def planted(units):
    """~4.300 records: 4.000 people, ~8% written twice (ground truth in cluster_id)."""
    from ansinh.demo.synthetic import CommuneSpec, generate_population

    pop = generate_population(persons=4000, seed=7, communes=[CommuneSpec(c, n, u) for c, n, u in units.communes])
    return add_duplicates(pop.persons, rate=0.08, seed=7, units=units)


@pytest.fixture(scope="session")
def prepared(planted, units):
    return prepare_records(planted.rename({"record_id": "unique_id"}), commune_map=units.old_to_new,
                           keep=["cluster_id"])


@pytest.fixture(scope="session")
def trained(prepared):
    return mm.train(prepared.drop("cluster_id"), u_max_pairs=2e6)


@pytest.fixture(autouse=True)
def _no_shipped_model(request, monkeypatch, tmp_path):
    """The Django-side tests describe a site with no trained run and no shipped model
    (the transparent rule score); tests of the shipped model ask for ``shipped_model``."""
    if "shipped_model" in request.fixturenames:
        return
    from ansinh.matching import files

    monkeypatch.setattr(files, "DEFAULT_MODEL", tmp_path / "no_default_model.json")


@pytest.fixture(scope="session")
def shipped_model():
    from ansinh.matching import files

    return files.load_model()
