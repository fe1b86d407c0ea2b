"""The Vietnamese model finds the planted duplicates and beats a generic Splink setup."""

from __future__ import annotations

import polars as pl
import pytest

from ansinh.demo.duplicates import true_pairs_count
from ansinh.matching import model as mm
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
    contradicting = {**person, "unique_id": 4, "pid": None, "birth_date": "12/05/1970", "cmnd": "183456780"}
    year_off = {**contradicting, "unique_id": 5, "birth_date": "12/05/1969"}
    scored = mm.score_candidates(person, [same_with_cmnd, other_pid], trained)
    by_id = {r["unique_id_r"]: r for r in scored.to_dicts()}
    assert by_id[2]["mw_identity"] == 0
    assert by_id[3]["mw_identity"] < 0
    assert by_id[2]["match_probability"] > by_id[3]["match_probability"]
    # the pid's year digits (68) contradict a record born in 1970: evidence against; 1969 is a year one off, which
    # the birth comparison weighs («lệch một năm»), not the number a second time
    scored = {r["unique_id_r"]: r for r in mm.score_candidates(person, [contradicting, year_off], trained).to_dicts()}
    assert scored[4]["mw_identity"] < 0
    assert scored[5]["mw_identity"] == 0


def test_model_round_trips_as_json(trained):
    again = mm.MatchModel.from_dict(trained.as_dict())
    assert again.settings == trained.settings
    assert again.thresholds == trained.thresholds


def test_thresholds_are_ordered():
    with pytest.raises(ValueError):
        mm.Thresholds(auto_merge=0.8, review=0.9)


def test_the_shipped_model_finds_duplicates_it_was_not_trained_on(prepared, planted, shipped_model):
    prediction = mm.predict(prepared.drop("cluster_id"), shipped_model, threshold=0.5, cluster=False)
    precision, recall = _scores(prediction.pairs, prepared, true_pairs_count(planted), shipped_model.thresholds.review)
    assert precision >= 0.95 and recall >= 0.9, (precision, recall)


def test_trains_on_a_registry_where_every_pid_is_unique(prepared):
    registry = prepared.unique(subset="cluster_id", keep="first").drop("cluster_id")
    assert registry["pid"].drop_nulls().is_unique().all()
    model = mm.train(registry, u_max_pairs=1e6)
    identity = next(c for c in model.settings["comparisons"] if c["output_column_name"] == "identity")
    assert all("u_probability" in lv for lv in identity["comparison_levels"] if not lv.get("is_null_level"))


def test_fast_score_gives_splinks_weights(trained):
    record = {"unique_id": 0, "full_name": "Nguyễn Thị Hoa", "sex": "F", "birth_date": "12/05/1968", "pid": None}
    candidates = [
        {"unique_id": 1, "full_name": "Nguyen Thi Hoa", "sex": "F", "birth_date": "1968", "pid": None},
        {"unique_id": 2, "full_name": "Nguyễn Hòa", "sex": "F", "birth_date": "05/12/1968", "pid": "042168001234"},
        {"unique_id": 3, "full_name": "Nguyễn Văn Hoa", "sex": "M", "birth_date": "12/05/1969",
         "pid": "042069001234"},
    ]
    fast = {r["unique_id"]: r["match_weight"] for r in mm.fast_score(record, candidates, trained)}
    slow = mm.score_candidates(record, candidates, trained)
    for uid, weight in zip(slow["unique_id_r"], slow["match_weight"], strict=True):
        assert fast[uid] == pytest.approx(weight, abs=0.05)


def test_learning_from_the_data_starts_from_the_prior_and_keeps_its_quality(prepared, planted, shipped_model):
    records = prepared.drop("cluster_id")
    small = mm.learn(records, shipped_model, min_records=records.height + 1)
    assert small.source == mm.SOURCE_PRIOR and small.settings is shipped_model.settings
    learnt = mm.learn(records, shipped_model, min_records=1000, u_max_pairs=2e6)
    assert learnt.source == mm.SOURCE_LEARNED
    assert learnt.settings["probability_two_random_records_match"] != \
        shipped_model.settings["probability_two_random_records_match"]
    # term frequencies are this file's, not the synthetic province's the shipped model was trained on
    assert learnt.tf_tables != shipped_model.tf_tables
    prediction = mm.predict(records, learnt, threshold=0.5)
    precision, recall = _scores(prediction.pairs, prepared, true_pairs_count(planted), learnt.thresholds.review)
    assert precision >= 0.95 and recall >= 0.93, (precision, recall)


def test_prediction_in_chunks_reports_progress_and_finds_the_same_pairs(prepared, trained, monkeypatch):
    records = prepared.drop("cluster_id")
    whole = mm.predict(records, trained, cluster=False)
    monkeypatch.setattr(mm, "PREDICT_CHUNK_RECORDS", 1000)
    steps = []
    chunked = mm.predict(records, trained, cluster=False, progress=lambda done, total: steps.append((done, total)))
    assert steps == [(i, 5) for i in range(1, 6)]
    key = ["unique_id_l", "unique_id_r"]
    assert chunked.pairs.select(key).sort(key).equals(whole.pairs.select(key).sort(key))


def test_swapped_middle_and_given_name_is_evidence_for_and_another_given_name_against(shipped_model):
    """«Phan Hoa Thị Kim» for «Phan Thị Kim Hoa» (middle and given typed in each other's place) weighs for the
    match on both name parts; a twin «Phan Thị Kim Nga» born the same day in the same commune weighs against on
    the given name (a fixed m: EM, seeing twins, would learn that a match often has another name)."""
    person = {"unique_id": 1, "full_name": "Phan Thị Kim Hoa", "sex": "F", "birth_date": "10/04/1954",
              "commune_code": "18199"}
    swapped = {**person, "unique_id": 2, "full_name": "Phan Hoa Thị Kim"}
    twin = {**person, "unique_id": 3, "full_name": "Phan Thị Kim Nga"}
    by_id = {r["unique_id_r"]: r for r in mm.score_candidates(person, [swapped, twin], shipped_model).to_dicts()}
    assert by_id[2]["mw_given_f"] > 0 and by_id[2]["mw_middle_f"] > 0
    assert by_id[3]["mw_given_f"] < -5
    # the swapped record is merged automatically; the twin at most goes to an officer's review
    assert by_id[2]["match_probability"] >= shipped_model.thresholds.auto_merge > by_id[3]["match_probability"]


def test_two_common_given_names_one_letter_apart_weigh_against_and_fast_score_agrees(trained):
    """«Dũng» for «Hùng» is one letter, but both are common names: twins and brothers, rarely a typo. «Hùgn» (one
    letter, not a name anyone else has) stays a typo. The fast scorer reads the same level as Splink."""
    person = {"unique_id": 0, "full_name": "Nguyễn Văn Hùng", "sex": "M", "birth_date": "12/05/1968",
              "commune_code": "18073"}
    other_name = {**person, "unique_id": 1, "full_name": "Nguyễn Văn Dũng"}
    typo = {**person, "unique_id": 2, "full_name": "Nguyễn Văn Hùgn"}
    slow = {r["unique_id_r"]: r for r in mm.score_candidates(person, [other_name, typo], trained).to_dicts()}
    assert slow[1]["mw_given_f"] < 0 < slow[2]["mw_given_f"]
    fast = {r["unique_id"]: r["match_weight"] for r in mm.fast_score(person, [other_name, typo], trained)}
    for uid, row in slow.items():
        assert fast[uid] == pytest.approx(row["match_weight"], abs=0.05)


def test_a_fixed_m_is_not_raised_to_the_floor(trained):
    given = next(c for c in trained.settings["comparisons"] if c["output_column_name"] == "given_f")
    fixed = {lv["label_for_charts"]: lv["m_probability"] for lv in given["comparison_levels"] if lv.get("fix_m_probability")}
    assert fixed == {"khác một chữ, cả hai là tên phổ biến": mm.COMMON_ONE_LETTER_M, "khác tên": mm.OTHER_GIVEN_NAME_M}


def test_possible_twins_are_never_merged_automatically():
    """Same family and middle name, date of birth and commune, another given name and no number in common: twins
    or one person with a typo, an officer decides. A shared number, or the same given name, may still auto-merge."""
    from ansinh.matching.normalize import prepare_records

    base = {"sex": "M", "birth_date": "12/05/1990", "commune_code": "18073", "pid": None}
    records = prepare_records(pl.DataFrame([
        {**base, "unique_id": 1, "full_name": "Nguyễn Văn Hùng"},
        {**base, "unique_id": 2, "full_name": "Nguyễn Văn Dũng"},
        {**base, "unique_id": 3, "full_name": "Nguyen Van Hung"},
        {**base, "unique_id": 4, "full_name": "Nguyễn Văn Hùng", "pid": "042090001234"},
        {**base, "unique_id": 5, "full_name": "Nguyễn Văn Dũng", "pid": "042090001234"},
        {**base, "unique_id": 6, "full_name": "Nguyễn Văn Dũng", "commune_code": "18076"},
    ], infer_schema_length=None))
    pairs = pl.DataFrame({"unique_id_l": [1, 1, 4, 1], "unique_id_r": [2, 3, 5, 6],
                          "match_probability": [0.99999, 0.99999, 0.99999, 0.99999]})
    flagged = {(r["unique_id_l"], r["unique_id_r"]): r for r in
               mm.with_auto_merge(pairs, records, mm.Thresholds()).to_dicts()}
    assert flagged[(1, 2)][mm.MAY_BE_TWINS] and not flagged[(1, 2)][mm.AUTO_MERGE]
    assert flagged[(1, 3)][mm.AUTO_MERGE]  # «Hung» typed without tones: the same given name folded
    assert flagged[(4, 5)][mm.AUTO_MERGE]  # the same 12-digit number
    assert flagged[(1, 6)][mm.AUTO_MERGE]  # another commune: not what twins in one household look like


def test_birth_years_apart_without_a_shared_number_are_never_auto_merged():
    from ansinh.matching.normalize import prepare_records

    base = {"sex": "M", "full_name": "Nguyễn Công Lực", "commune_code": "18073", "pid": None}
    records = prepare_records(pl.DataFrame([
        {**base, "unique_id": 1, "birth_date": "08/12/2014"},
        {**base, "unique_id": 2, "birth_date": "08/12/2015"},
        {**base, "unique_id": 3, "birth_date": "08/12/2014", "pid": "042214575741"},
        {**base, "unique_id": 4, "birth_date": "08/12/2015", "pid": "042214575741"},
    ], infer_schema_length=None))
    pairs = pl.DataFrame({"unique_id_l": [1, 3, 1], "unique_id_r": [2, 4, 3], "match_probability": [0.99999] * 3})
    flagged = {(r["unique_id_l"], r["unique_id_r"]): r[mm.AUTO_MERGE] for r in
               mm.with_auto_merge(pairs, records, mm.Thresholds()).to_dicts()}
    assert flagged == {(1, 2): False, (3, 4): True, (1, 3): True}  # a shared number settles it


def test_year_one_off_with_day_and_month_kept_weighs_more_than_any_date_a_year_off(trained):
    person = {"unique_id": 1, "full_name": "Lê Văn Tài", "sex": "M", "birth_date": "03/07/1985", "pid": None,
              "commune_code": "18073"}
    same_day = {**person, "unique_id": 2, "birth_date": "03/07/1986"}
    other_day = {**person, "unique_id": 3, "birth_date": "21/11/1986"}
    scored = {r["unique_id_r"]: r for r in mm.score_candidates(person, [same_day, other_day], trained).to_dicts()}
    assert scored[2]["mw_birth"] > scored[3]["mw_birth"] + 3


def test_family_and_given_name_swapped_is_weighed_once_not_as_two_disagreements(trained):
    person = {"unique_id": 1, "full_name": "Trần Văn Minh", "sex": "M", "birth_date": "03/07/1985", "pid": None}
    swapped = {**person, "unique_id": 2, "full_name": "Minh Văn Trần"}
    row = mm.score_candidates(person, [swapped], trained).row(0, named=True)
    assert row["mw_family_f"] == 0 and row["mw_given_f"] == 0
    assert row["mw_name_order"] > 5
    rules = [r.get_blocking_rule("duckdb").blocking_rule_sql for r in mm.vietnamese_blocking_rules()]
    assert any("l.family_f = r.given_f" in sql for sql in rules)


def test_another_identifier_both_records_carry_is_compared(trained):
    person = {"unique_id": 1, "full_name": "Trần Văn Minh", "sex": "M", "birth_date": "03/07/1985", "pid": None,
              "other_id": "4201234567"}
    same = {**person, "unique_id": 2, "birth_date": "1985"}
    other = {**person, "unique_id": 3, "birth_date": "1985", "other_id": "4209999999"}
    none = {**person, "unique_id": 4, "birth_date": "1985", "other_id": None}
    scored = {r["unique_id_r"]: r for r in mm.score_candidates(person, [same, other, none], trained).to_dicts()}
    assert scored[2]["mw_other_id"] > 5 and scored[3]["mw_other_id"] < 0 and scored[4]["mw_other_id"] == 0


def test_a_record_that_looks_like_two_people_who_do_not_look_alike_is_not_merged_automatically():
    """Record 1 (year only) scores high against 2 and 3, who are not a pair: which of them it is, an officer decides.
    A triangle (4, 5, 6: one person written three times) is merged as before."""
    pairs = pl.DataFrame({"unique_id_l": [1, 1, 4, 4, 5], "unique_id_r": [2, 3, 5, 6, 6],
                          "match_probability": [0.9999] * 5, mm.AUTO_MERGE: [True] * 5})
    flagged = {(r["unique_id_l"], r["unique_id_r"]): (r[mm.TORN], r[mm.AUTO_MERGE]) for r in
               mm.with_torn(pairs, mm.Thresholds()).to_dicts()}
    assert flagged == {(1, 2): (True, False), (1, 3): (True, False), (4, 5): (False, True), (4, 6): (False, True),
                       (5, 6): (False, True)}


def _twin_block(twins: int, copies: int, numbered: int = 120) -> pl.DataFrame:
    """``twins`` pairs of twins (same family, middle name, date, commune; given names «Hùng»/«Dũng»: both common),
    ``copies`` people written twice with the same given name and no number, each pair on its own date, and
    ``numbered`` people written twice with the same 12-digit number (what tells the data's own rate of a given
    name changing between two records of one person), one commune."""
    import datetime as dt

    from ansinh.matching.normalize import prepare_records

    rows, start = [], dt.date(1960, 1, 1)
    for i in range(twins):
        born = (start + dt.timedelta(days=i)).strftime("%d/%m/%Y")
        rows += [{"full_name": "Lê Văn Hùng", "birth_date": born}, {"full_name": "Lê Văn Dũng", "birth_date": born}]
    for i in range(copies):
        born = (start + dt.timedelta(days=5000 + i)).strftime("%d/%m/%Y")
        rows += [{"full_name": "Trần Văn Hùng", "birth_date": born}, {"full_name": "Tran Van Hung", "birth_date": born}]
    for i in range(numbered):
        born = start + dt.timedelta(days=10000 + i)
        pid = f"0420{born.year % 100:02d}{i:06d}"
        rows += [{"full_name": "Phạm Văn Long", "birth_date": born.strftime("%d/%m/%Y"), "pid": pid},
                 {"full_name": "Pham Van Long", "birth_date": born.strftime("%d/%m/%Y"), "pid": pid}]
    frame = pl.DataFrame([{"pid": None, **r, "unique_id": n, "sex": "M", "commune_code": "18073"}
                          for n, r in enumerate(rows)], infer_schema_length=None)
    return mm.with_given_frequency(prepare_records(frame))


def test_the_twin_block_holds_back_common_names_one_letter_apart_by_the_datas_own_counts(shipped_model):
    """Inside the block (same family, middle name, date, commune, no number in common), the pairs whose given names
    agree, with the rate at which one person's given name changes among the pairs sharing a number, say how many
    pairs of one person should show «Hùng»/«Dũng»: 40 such pairs against 60 agreeing ones are (nearly) all twins,
    and their probability is held to that share. Fewer than TWIN_BLOCK_MIN_PAIRS, or too few numbered pairs to
    tell the rate: untouched."""
    records = _twin_block(twins=40, copies=60)
    limits = {x["label"]: x for x in mm.twin_block_limits(records, shipped_model)}
    one_letter = limits["khác một chữ, cả hai là tên phổ biến"]
    assert one_letter["pairs"] == 40 and one_letter["limit"] is not None and one_letter["limit"] < 0.05
    twin_pairs = pl.DataFrame({"unique_id_l": [0, 2], "unique_id_r": [1, 3], "match_probability": [0.97, 0.99],
                               "match_weight": [5.0, 6.6]})
    flagged = mm.with_auto_merge(twin_pairs, records, shipped_model.thresholds)
    held = mm.with_twin_block(flagged, records, shipped_model)
    assert held["match_probability"].to_list() == pytest.approx([one_letter["limit"]] * 2)
    assert held["match_weight"].max() < 0 and not held[mm.AUTO_MERGE].any()
    for few in (_twin_block(twins=mm.TWIN_BLOCK_MIN_PAIRS - 1, copies=60),
                _twin_block(twins=40, copies=60, numbered=mm.TWIN_BLOCK_MIN_NUMBERED - 1)):
        assert all(x["limit"] is None for x in mm.twin_block_limits(few, shipped_model))
        assert mm.with_twin_block(mm.with_auto_merge(twin_pairs, few, shipped_model.thresholds), few,
                                  shipped_model)["match_probability"].to_list() == [0.97, 0.99]
