"""The same model definition on Spark (Splink's Spark backend, PySpark in local mode)."""

from __future__ import annotations

import pytest

from ansinh.matching import model as mm

pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed (pip install pyspark; needs Java 17)")


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    try:
        session = (SparkSession.builder.master("local[2]").appName("ansinh-matching-test")
                   .config("spark.sql.shuffle.partitions", "4").config("spark.ui.enabled", "false")
                   .getOrCreate())
    except Exception as exc:  # noqa: BLE001 - no JVM on this machine
        pytest.skip(f"Spark cannot start here (Java missing?): {exc}")
    yield session
    session.stop()


def test_trained_model_predicts_the_same_pairs_on_spark_and_duckdb(spark, prepared, trained, tmp_path):
    from splink import SparkAPI

    records = prepared.drop("cluster_id").head(1500)
    spark.sparkContext.setCheckpointDir(str(tmp_path / "ckpt"))
    on_spark = mm.predict(records, trained, db_api=SparkAPI(spark_session=spark), threshold=0.5, cluster=False)
    on_duckdb = mm.predict(records, trained, threshold=0.5, cluster=False)

    def pairs(p):
        return set(zip(p.pairs["unique_id_l"].to_list(), p.pairs["unique_id_r"].to_list(), strict=True))

    assert pairs(on_spark) == pairs(on_duckdb)
    assert len(pairs(on_duckdb)) > 0
