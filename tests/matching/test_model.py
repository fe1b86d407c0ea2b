"""The Vietnamese model finds the planted duplicates and beats a generic Splink setup."""

from __future__ import annotations

import polars as pl
import pytest

from ansinh.matching import model as mm
from ansinh.matching.duplicates_gen import true_pairs_count
from ansinh.matching.evidence import AGREED, explain_pair, with_agreed_fields


def _scores(pairs: pl.DataFrame, truth: pl.DataFrame, true_pairs: int, threshold: float) -> tuple[float, float]:
    chosen = pairs.filter(pl.col("match_probability") >= threshold)
    t = truth.select("unique_id", "cluster_id")
    lab = chosen.join(t.rename({"unique_id": "unique_id_l", "cluster_id": "a"}), on="unique_id_l") \
        .join(t.rename({"unique_id": "unique_id_r", "cluster_id": "b"}), on="unique_id_r")
    tp = int((lab["a"] == lab["b"]).sum())
    return tp / max(chosen.height, 1), tp / true_pairs


def test_never_blocks_on_the_surname_alone():
    for rule in mm.vietnamese_blocking_rules():
        sql = rule.get_blocking_rule("duckdb").blocking_rule_sql
        assert sql.replace('"', "").strip() not in ("l.family_f = r.family_f",)
        assert "family_f" not in sql or "AND" in sql


def test_finds_planted_duplicates_with_high_precision_and_recall(prepared, trained, planted):
    prediction = mm.predict(prepared.drop("cluster_id"), trained, threshold=0.5)
    true_pairs = true_pairs_count(planted)
    precision, recall = _scores(prediction.pairs, prepared, true_pairs, trained.thresholds.review)
    assert precision >= 0.97 and recall >= 0.93, (precision, recall)
    auto_precision, _ = _scores(prediction.pairs, prepared, true_pairs, trained.thresholds.auto_merge)
    assert auto_precision >= 0.995
    # clusters: every record gets one; duplicates share theirs
    assert prediction.clusters.height == prepared.height


def test_beats_the_generic_baseline(prepared, trained, planted):
    raw = planted.rename({"record_id": "unique_id"})
    base_records = mm.baseline_records(raw)
    base = mm.train(base_records, settings=mm.baseline_settings(),
                    deterministic_rules=mm.BASELINE_DETERMINISTIC_RULES, em_rules=mm.BASELINE_EM_RULES,
                    u_max_pairs=2e6)
    true_pairs = true_pairs_count(planted)
    base_pred = mm.predict(base_records, base, threshold=0.5, cluster=False)
    vi_pred = mm.predict(prepared.drop("cluster_id"), trained, threshold=0.5, cluster=False)

    def f1(pairs):
        p, r = _scores(pairs, raw, true_pairs, 0.9)
        return 2 * p * r / (p + r)

    assert f1(vi_pred.pairs) > f1(base_pred.pairs) + 0.05


def test_evidence_names_the_agreeing_fields(prepared, trained):
    prediction = mm.predict(prepared.drop("cluster_id"), trained, cluster=False)
    best = with_agreed_fields(prediction.pairs).sort("match_probability", descending=True).row(0, named=True)
    assert "Họ tên" in best[AGREED] and "Ngày sinh" in best[AGREED]
    labels = [label for label, _ in explain_pair(best)]
    assert set(labels) == {"Họ tên", "Ngày sinh", "Số định danh", "Giới tính", "Xã"}


def test_cmnd_against_pid_is_not_a_disagreement(trained):
    person = {"unique_id": 1, "full_name": "Nguyễn Thị Hoa", "sex": "F", "birth_date": "12/05/1968",
              "pid": "042168001234", "commune_code": "18073"}
    same_with_cmnd = {**person, "unique_id": 2, "pid": None, "cmnd": "183456789"}
    other_pid = {**person, "unique_id": 3, "pid": "042168009999"}
    contradicting = {**person, "unique_id": 4, "pid": None, "birth_date": "12/05/1969", "cmnd": "183456780"}
    scored = mm.score_candidates(person, [same_with_cmnd, other_pid], trained)
    by_id = {r["unique_id_r"]: r for r in scored.to_dicts()}
    assert by_id[2]["mw_identity"] == 0
    assert by_id[3]["mw_identity"] < 0
    assert by_id[2]["match_probability"] > by_id[3]["match_probability"]
    # the pid's year digits (68) contradict a record born in 1969: evidence against
    scored = mm.score_candidates(person, [contradicting], trained)
    assert scored["mw_identity"][0] < 0


def test_model_round_trips_as_json(trained):
    again = mm.MatchModel.from_dict(trained.as_dict())
    assert again.settings == trained.settings
    assert again.thresholds == trained.thresholds


def test_thresholds_are_ordered():
    with pytest.raises(ValueError):
        mm.Thresholds(auto_merge=0.8, review=0.9)
