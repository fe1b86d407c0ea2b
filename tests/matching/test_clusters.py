"""Clusters of one file: strongest pair first, never two different identity numbers in one cluster."""

from __future__ import annotations

import polars as pl

from ansinh.matching.model import constrained_clusters


def _records(rows):
    return pl.DataFrame(rows, schema={"unique_id": pl.Int64, "pid": pl.String, "cmnd": pl.String}, orient="row")


def _pairs(rows):
    return pl.DataFrame(rows, schema={"unique_id_l": pl.Int64, "unique_id_r": pl.Int64,
                                      "match_probability": pl.Float64}, orient="row")


def _groups(clusters: pl.DataFrame) -> set[frozenset]:
    return {frozenset(g) for g in clusters.group_by("cluster_id").agg("unique_id")["unique_id"].to_list()}


def test_a_record_without_a_number_does_not_chain_two_people_with_their_own_numbers():
    """Twins Hùng (042…1) and Dũng (042…2), and a record of Hùng without a number that also scores high against
    Dũng: connected components would make one person of the three."""
    records = _records([(1, "042085000001", None), (2, None, None), (3, "042085000002", None), (4, None, None)])
    pairs = _pairs([(1, 2, 0.999), (2, 3, 0.95), (1, 3, 0.85)])
    assert _groups(constrained_clusters(pairs, records, 0.8)) == {frozenset({1, 2}), frozenset({3}), frozenset({4})}


def test_the_same_number_or_none_still_joins_and_cmnds_are_kept_apart_too():
    records = _records([(1, "042085000001", None), (2, "042085000001", "181000001"), (3, None, "181000002"),
                        (4, None, "181000001")])
    pairs = _pairs([(1, 2, 0.99), (2, 3, 0.98), (3, 4, 0.97), (2, 4, 0.9), (1, 4, 0.5)])
    # 2–3 refused (two CMNDs), 3–4 refused as well; 2–4 share the CMND; 1–4 is under the threshold
    assert _groups(constrained_clusters(pairs, records, 0.8)) == {frozenset({1, 2, 4}), frozenset({3})}


def test_two_people_each_written_twice_are_not_joined_by_one_pair_between_them():
    """{1, 2} one person, {3, 4} another (same common name, both written twice): a single pair 2–3 at the threshold
    (a year-only copy that looks like both) does not make one person of four — half of the pairs between two
    clusters must be at the threshold. Connected components would join them."""
    records = _records([(1, None, None), (2, None, None), (3, None, None), (4, None, None)])
    pairs = _pairs([(1, 2, 0.999), (3, 4, 0.998), (2, 3, 0.9), (1, 4, 0.6)])
    assert _groups(constrained_clusters(pairs, records, 0.8)) == {frozenset({1, 2}), frozenset({3, 4})}
    # with two of the four pairs between them at the threshold they are one
    pairs = _pairs([(1, 2, 0.999), (3, 4, 0.998), (2, 3, 0.9), (1, 4, 0.85)])
    assert _groups(constrained_clusters(pairs, records, 0.8)) == {frozenset({1, 2, 3, 4})}


def test_one_person_written_three_times_is_one_cluster_though_the_two_copies_differ():
    """The original (1) looks like each copy; the two copies (2: year only, 3: another commune) do not look alike."""
    records = _records([(1, None, None), (2, None, None), (3, None, None)])
    pairs = _pairs([(1, 2, 0.99), (1, 3, 0.95), (2, 3, 0.4)])
    assert _groups(constrained_clusters(pairs, records, 0.8)) == {frozenset({1, 2, 3})}
