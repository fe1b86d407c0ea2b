"""Benchmark: how far is the matching from the best any model could do with the same comparisons?

    python benchmarks/matching_ceiling.py --rows 200000 --set other

Issue 11 asks cluster F1 ≥ 0,975 on the second generator (``duplicates_other.py``). This script asks whether the
comparisons themselves carry that much: it scores the candidate pairs with the model learned from the data
(``model.learn``, as ``match-file`` does), keeps every comparison's level and term-frequency adjustment (Splink's
``mw_*`` columns), and then gives the true answer to models that *know* it, which no province has:

- **in-sample cells**: the pairs grouped by their levels and binned adjustments; the majority of each group is the
  answer. Errors ≥ Σ min(true, false) per group: a lower bound for any rule on these features, optimistic (a group
  of one pair is never wrong);
- **held-out cells**: the same table built on half of the people (by true person), scored on the other half;
- **held-out gradient boosting** (scikit-learn's ``HistGradientBoostingClassifier``, trained on the labels of one
  half): a model with the interactions the Fellegi–Sunter model leaves out (it adds the comparisons' weights as if
  independent).

All figures are *pairwise* (one pair, one decision) on the held-out half; the benchmark of record
(``matching_generalise.py``) measures *cluster* F1, which is higher (clustering recovers pairs through a third
record). The baseline is our learned model on the same half; the ratio is supervised / ours.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ansinh.demo.duplicates import ha_tinh_units  # noqa: E402
from ansinh.matching import model as mm  # noqa: E402
from ansinh.matching.normalize import prepare_records  # noqa: E402
from matching_generalise import cluster_scores, data_other, data_ours  # noqa: E402

FLOOR = 0.01  # pairs below this probability are kept out (almost all different people); true ones below: missed


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _fmt(x: float) -> str:
    return f"{x:.4f}".replace(".", ",")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--set", choices=["other", "ours"], default="other")
    args = parser.parse_args(argv)
    logging.getLogger("splink").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")
    from ansinh.matching.files import load_model

    units, shipped = ha_tinh_units(), load_model()
    raw = (data_other if args.set == "other" else data_ours)(args.rows, args.seed, units)
    truth = raw.select("unique_id", "cluster_id")
    records = prepare_records(raw, commune_map=units.old_to_new).join(
        raw.select("unique_id", pl.col("birth_date").alias("dob")), on="unique_id")
    true_total = cluster_scores(truth, truth)["true_pairs"]
    started = time.perf_counter()
    model = mm.learn(records, shipped, min_records=0, u_max_pairs=1e7)
    prediction = mm.predict(records, model, threshold=FLOOR)
    print(f"{args.set}, {records.height:,} records, {true_total:,} true pairs; learned and scored in "
          f"{time.perf_counter() - started:.1f} s; {prediction.pairs.height:,} pairs ≥ {FLOOR}", flush=True)
    review = model.thresholds.review
    print(f"ours, cluster F1 at {review}: {_fmt(cluster_scores(prediction.clusters, truth)['f1'])}")

    ceiling(prediction.pairs, truth, true_total, review)


def ceiling(pairs: pl.DataFrame, truth: pl.DataFrame, true_total: int, review: float) -> None:
    """The in-sample bound and the held-out models on ``pairs`` (the scored candidates with Splink's columns)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    levels = [c for c in pairs.columns if c.startswith("mw_") and not c.startswith("mw_tf_adj")]
    adjustments = [c for c in pairs.columns if c.startswith("mw_tf_adj_")]
    flags = [c for c in ("may_be_twins", "torn") if c in pairs.columns]
    lab = (pairs
           .join(truth.rename({"unique_id": "unique_id_l", "cluster_id": "a"}), on="unique_id_l")
           .join(truth.rename({"unique_id": "unique_id_r", "cluster_id": "b"}), on="unique_id_r")
           .with_columns((pl.col("a") == pl.col("b")).alias("true"),
                         (pl.col("a").cast(pl.String).hash(7) % 2 == 0).alias("train"),
                         *[pl.col(c).round(3) for c in levels],
                         *[pl.col(c).fill_null(0.0).round(0).alias(c + "_bin") for c in adjustments],
                         pl.col("twin_block_limit").fill_null(-1.0).round(2).alias("twin_bin")))
    missed = true_total - int(lab["true"].sum())  # below FLOOR or never a candidate
    print(f"true pairs below {FLOOR} or never compared: {missed:,}")
    cells = levels + [c + "_bin" for c in adjustments] + ["twin_bin", *flags]

    groups = lab.group_by(cells).agg(pl.col("true").sum().alias("t"), (~pl.col("true")).sum().alias("f"))
    chosen = groups.filter(pl.col("t") >= pl.col("f"))
    tp, fp = int(chosen["t"].sum()), int(chosen["f"].sum())
    print(f"in-sample cells ({groups.height:,}), all pairs: errors ≥ {fp + true_total - tp:,}, "
          f"pairwise F1 ≤ {_fmt(_f1(tp, fp, true_total - tp))} (optimistic)")

    train, test = lab.filter(pl.col("train")), lab.filter(~pl.col("train"))
    test_true = int(test["true"].sum()) + missed // 2  # the missed pairs, shared between the halves

    def scored(yes: pl.Series | np.ndarray, name: str, baseline: float | None = None) -> float:
        yes = np.asarray(yes, dtype=bool)
        truth_ = test["true"].to_numpy()
        tp_, fp_ = int((yes & truth_).sum()), int((yes & ~truth_).sum())
        f1 = _f1(tp_, fp_, test_true - tp_)
        ratio = f" ({f1 / baseline:.4f}× ours)" if baseline else ""
        print(f"{name:58} pairwise F1 {_fmt(f1)}  FP {fp_:5,}  FN {test_true - tp_:5,}{ratio}")
        return f1

    print("\nheld-out half (the answers of the other half known):")
    ours = scored(test["match_probability"] >= review, f"ours (learned, no answers), at {review}")
    table = train.group_by(cells).agg((pl.col("true").mean() >= 0.5).alias("yes"))
    cell_answer = test.join(table, on=cells, how="left").with_columns(
        pl.col("yes").fill_null(pl.col("match_probability") >= review))["yes"]
    scored(cell_answer, "cells of the other half (unseen cell: ours)", ours)
    features = levels + adjustments + ["twin_block_limit"]
    matrix = lab.select([pl.col(c).cast(pl.Float64).fill_null(-99.0) for c in features]
                        + [pl.col(c).cast(pl.Float64) for c in flags])
    mask = lab["train"].to_numpy()
    x, y = matrix.to_numpy(), lab["true"].to_numpy()
    boosted = HistGradientBoostingClassifier(max_iter=300, learning_rate=0.05, random_state=1).fit(x[mask], y[mask])
    probability = boosted.predict_proba(x[~mask])[:, 1]
    for cut in (0.4, 0.5, 0.6):
        scored(probability >= cut, f"gradient boosting on the other half's answers, ≥ {cut}", ours)


if __name__ == "__main__":
    main()
