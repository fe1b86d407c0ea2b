"""The same model definition on Spark (Splink's Spark backend, PySpark in local mode)."""

from __future__ import annotations

import polars as pl
import pytest

from ansinh.matching import model as mm

pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed (pip install pyspark; needs Java 17)")


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    try:
        session = (SparkSession.builder.master("local[2]").appName("ansinh-matching-test")
                   .config("spark.jars", similarity_jar_location())  # jaro_winkler, damerau_levenshtein UDFs
                   .config("spark.sql.shuffle.partitions", "4").config("spark.ui.enabled", "false")
                   .getOrCreate())
    except Exception as exc:  # noqa: BLE001 - no JVM on this machine
        pytest.skip(f"Spark cannot start here (Java missing?): {exc}")
    yield session
    session.stop()


def test_trained_model_predicts_the_same_pairs_on_spark_and_duckdb(spark, prepared, trained, tmp_path):
    from splink import SparkAPI

    # the first 1.200 people with their duplicates (appended at the end of the frame)
    records = prepared.filter(pl.col("cluster_id") <= 1200).drop("cluster_id")
    spark.sparkContext.setCheckpointDir(str(tmp_path / "ckpt"))
    on_spark = mm.predict(records, trained, db_api=SparkAPI(spark_session=spark), threshold=0.5, cluster=False)
    on_duckdb = mm.predict(records, trained, threshold=0.5, cluster=False)

    def pairs(p, at):
        strong = p.pairs.filter(pl.col("match_probability") >= at)
        return set(zip(strong["unique_id_l"].to_list(), strong["unique_id_r"].to_list(), strict=True))

    # string-similarity UDFs differ in the last decimals between backends: compare
    # the clear pairs of one with everything above 0,5 on the other
    assert len(pairs(on_duckdb, 0.9)) > 20
    assert pairs(on_duckdb, 0.9) <= pairs(on_spark, 0.5)
    assert pairs(on_spark, 0.9) <= pairs(on_duckdb, 0.5)
