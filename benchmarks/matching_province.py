"""Benchmark: de-duplicating a province (Hà Tĩnh, 1.3M people) with the Vietnamese model
and with a generic Splink baseline, on the same data, in the same run.

    python benchmarks/matching_province.py [--persons 1300000] [--seed 1] [--rate 0.08]
    python benchmarks/matching_province.py --registry --persons 200000   # the Django registry run on PostgreSQL

The population comes from ``ansinh.demo.synthetic.generate_population`` over
the 69 real Hà Tĩnh communes; ``ansinh.demo.duplicates.add_duplicates``
adds second records written with realistic errors (ground truth kept). Each model
runs in its own child process so its wall time and peak RSS are its own. Prints
pair precision / recall / F1 at the auto-merge and review thresholds, side by side.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

from ansinh.demo.duplicates import add_duplicates, ha_tinh_units, true_pairs_count
from ansinh.matching import model as mm
from ansinh.matching.normalize import prepare_records

TARGETS = {"f1_review": 0.97, "precision_auto": 0.995, "seconds": 90, "peak_gb": 6}


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def make_data(persons: int, seed: int, rate: float, path: Path) -> dict:
    from ansinh.demo.synthetic import CommuneSpec, generate_population

    units = ha_tinh_units()
    t0 = time.perf_counter()
    pop = generate_population(
        persons=persons, seed=seed, communes=[CommuneSpec(c, n, u) for c, n, u in units.communes]
    )
    t1 = time.perf_counter()
    records = add_duplicates(pop.persons, rate=rate, seed=seed, units=units)
    t2 = time.perf_counter()
    records.write_parquet(path)
    (path.with_suffix(".map.json")).write_text(json.dumps(units.old_to_new))
    return {
        "records": records.height, "true_pairs": true_pairs_count(records),
        "population_s": t1 - t0, "duplicates_s": t2 - t1,
        "errors": records.filter(pl.col("errors") != "")["errors"].str.split(",").explode()
        .value_counts().sort("count", descending=True).rows(),
    }


def pair_metrics(pairs: pl.DataFrame, truth: pl.DataFrame, true_pairs: int, threshold: float) -> dict:
    chosen = pairs.filter(pl.col("match_probability") >= threshold).select("unique_id_l", "unique_id_r")
    labelled = chosen.join(truth.rename({"unique_id": "unique_id_l", "cluster_id": "c_l"}), on="unique_id_l") \
        .join(truth.rename({"unique_id": "unique_id_r", "cluster_id": "c_r"}), on="unique_id_r")
    tp = int((labelled["c_l"] == labelled["c_r"]).sum())
    precision = tp / chosen.height if chosen.height else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"threshold": threshold, "pairs": chosen.height, "tp": tp, "precision": precision,
            "recall": recall, "f1": f1}


def cluster_metrics(clusters: pl.DataFrame, truth: pl.DataFrame, true_pairs: int) -> dict:
    """Pairs implied by the clusters (every two records in a predicted cluster)."""
    joined = truth.join(clusters, on="unique_id", how="left").with_columns(
        pl.col("cluster_id_right").fill_null(pl.col("unique_id").cast(pl.String) + "_")
    )
    pairs = lambda keys: int(joined.group_by(keys).len().select(pl.col("len") * (pl.col("len") - 1) // 2).sum().item())  # noqa: E731
    predicted = pairs(["cluster_id_right"])
    tp = pairs(["cluster_id_right", "cluster_id"])
    precision = tp / predicted if predicted else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    return {"pairs": predicted, "tp": tp, "precision": precision, "recall": recall,
            "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0}


def run_model(kind: str, data: Path, thresholds: mm.Thresholds, seed: int) -> dict:
    t0 = time.perf_counter()
    raw = pl.read_parquet(data).with_columns(unique_id=pl.col("record_id"))
    truth = raw.select("unique_id", "cluster_id")
    true_pairs = true_pairs_count(raw)
    commune_map = json.loads(data.with_suffix(".map.json").read_text())
    t_read = time.perf_counter()
    if kind in ("vi", "default"):
        records = prepare_records(raw, commune_map=commune_map)
        settings, det, em = mm.vietnamese_settings(), mm.VI_DETERMINISTIC_RULES, mm.VI_EM_RULES
    else:
        records = mm.baseline_records(raw)
        settings, det, em = mm.baseline_settings(), mm.BASELINE_DETERMINISTIC_RULES, mm.BASELINE_EM_RULES
    del raw
    t_prep = time.perf_counter()
    if kind == "default":  # the shipped model (trained on another seeded province), no training here
        from ansinh.matching.files import load_model

        model = load_model()
        model.thresholds = thresholds
    else:
        model = mm.train(records, settings=settings, deterministic_rules=det, em_rules=em, seed=seed,
                         thresholds=thresholds)
    t_train = time.perf_counter()
    prediction = mm.predict(records, model, threshold=min(0.5, thresholds.review), max_pairs=5e8)
    t_pred = time.perf_counter()
    out = {
        "kind": kind,
        "seconds": {"read": t_read - t0, "prepare": t_prep - t_read, "train": t_train - t_prep,
                    "predict_cluster": t_pred - t_train, "total_matching": t_pred - t_read},
        "peak_gb": _peak_gb(),
        "blocked_pairs": sum(b["pairs"] for b in prediction.blocking),
        "blocking": prediction.blocking,
        "auto": pair_metrics(prediction.pairs, truth, true_pairs, thresholds.auto_merge),
        "review": pair_metrics(prediction.pairs, truth, true_pairs, thresholds.review),
        "clusters_review": cluster_metrics(prediction.clusters, truth, true_pairs),
        "lambda": model.settings["probability_two_random_records_match"],
    }
    if kind == "vi":
        Path(data.with_suffix(".model.json")).write_text(json.dumps(model.as_dict(), ensure_ascii=False))
    return out


def _fmt(x: float) -> str:
    return f"{x:.4f}".replace(".", ",")


COLUMN_NAMES = {"vi": "Vietnamese model", "baseline": "generic baseline", "default": "shipped default"}


def print_report(info: dict, results: dict, thresholds: mm.Thresholds) -> None:
    vi, base = results["vi"], results["baseline"]
    print(f"\nRecords: {info['records']:,} ({info['true_pairs']:,} true duplicate pairs); "
          f"population {info['population_s']:.1f} s, duplicates {info['duplicates_s']:.1f} s")
    print("Errors planted:", ", ".join(f"{e} {n:,}" for e, n in info["errors"]))
    rows = [
        ("wall time, matching (s)", lambda r: f"{r['seconds']['total_matching']:.1f}"),
        ("  prepare / train / predict+cluster (s)", lambda r: " / ".join(
            f"{r['seconds'][k]:.1f}" for k in ("prepare", "train", "predict_cluster"))),
        ("peak RSS (GB)", lambda r: f"{r['peak_gb']:.2f}"),
        ("blocked pairs (estimated)", lambda r: f"{r['blocked_pairs']:,}"),
    ]
    for name, key in (("auto-merge", "auto"), ("review", "review")):
        th = getattr(thresholds, "auto_merge" if key == "auto" else "review")
        rows += [
            (f"{name} ≥ {th}: precision", lambda r, k=key: _fmt(r[k]["precision"])),
            (f"{name}: recall", lambda r, k=key: _fmt(r[k]["recall"])),
            (f"{name}: F1", lambda r, k=key: _fmt(r[k]["f1"])),
            (f"{name}: pairs (true)", lambda r, k=key: f"{r[k]['pairs']:,} ({r[k]['tp']:,})"),
        ]
    rows += [
        ("clusters at review: precision / recall / F1", lambda r: " / ".join(
            _fmt(r["clusters_review"][k]) for k in ("precision", "recall", "f1"))),
    ]
    kinds = list(results)
    print(f"\n{'':46} " + " ".join(f"{COLUMN_NAMES.get(k, k):>24}" for k in kinds))
    for name, fn in rows:
        print(f"{name:46} " + " ".join(f"{fn(results[k]):>24}" for k in kinds))
    ratio = vi["review"]["f1"] / base["review"]["f1"] if base["review"]["f1"] else float("inf")
    print(f"\nF1 at review, Vietnamese / baseline: {ratio:.3f}")
    checks = {
        f"F1 at review ≥ {TARGETS['f1_review']}": vi["review"]["f1"] >= TARGETS["f1_review"],
        f"precision at auto-merge ≥ {TARGETS['precision_auto']}": vi["auto"]["precision"] >= TARGETS["precision_auto"],
        "F1 better than baseline": vi["review"]["f1"] > base["review"]["f1"],
        f"under {TARGETS['seconds']} s": vi["seconds"]["total_matching"] < TARGETS["seconds"],
        f"under {TARGETS['peak_gb']} GB": vi["peak_gb"] < TARGETS["peak_gb"],
    }
    for name, ok in checks.items():
        print(f"  [{'x' if ok else ' '}] {name}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_300_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=float, default=0.08, help="share of persons written twice")
    parser.add_argument("--auto-merge", type=float, default=mm.Thresholds().auto_merge)
    parser.add_argument("--review", type=float, default=mm.Thresholds().review)
    parser.add_argument("--models", default="vi,baseline,default",
                        help="which to run: vi (trained on the data), baseline, default (shipped model)")
    parser.add_argument("--registry", action="store_true",
                        help="the registry run end to end on PostgreSQL (benchmarks/_matching_registry.py)")
    parser.add_argument("--only", choices=["vi", "baseline", "default"], help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    thresholds = mm.Thresholds(auto_merge=args.auto_merge, review=args.review)
    if args.registry:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from _matching_registry import main as registry_main

        registry_main(args.persons, args.seed, args.rate)
        return

    if args.only:  # child process: one model, JSON on stdout's last line
        result = run_model(args.only, args.data, thresholds, args.seed)
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "records.parquet"
        print("load before:", Path("/proc/loadavg").read_text().strip() if Path("/proc/loadavg").exists() else "?")
        info = make_data(args.persons, args.seed, args.rate, data)
        print(f"data: {info['records']:,} records in {info['population_s'] + info['duplicates_s']:.1f} s",
              flush=True)
        results = {}
        for kind in args.models.split(","):
            cmd = [sys.executable, __file__, "--only", kind, "--data", str(data), "--seed", str(args.seed),
                   "--auto-merge", str(args.auto_merge), "--review", str(args.review)]
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if proc.returncode:
                print(proc.stderr[-4000:], file=sys.stderr)
                raise SystemExit(f"{kind} failed")
            results[kind] = json.loads(proc.stdout.strip().splitlines()[-1])
            load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else "?"
            print(f"{kind}: {results[kind]['seconds']['total_matching']:.1f} s (load after: {load})", flush=True)
        if {"vi", "baseline"} <= set(results):
            print_report(info, results, thresholds)
        else:
            print(json.dumps(results, indent=1, ensure_ascii=False))
        for kind in results:
            print(f"\n{kind} blocking rules (marginal pairs):")
            for b in results[kind]["blocking"]:
                print(f"  {b['pairs']:>13,}  {b['rule']}")


if __name__ == "__main__":
    main()
