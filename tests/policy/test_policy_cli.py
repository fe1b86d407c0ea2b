"""The ``policy`` command line."""

import json
import os
import subprocess
import sys

from ansinh.policy.cli import main

EXAMPLE = [
    "explain",
    "tgxh_monthly_allowance",
    "--period",
    "2024-07",
    "--set",
    "tgxh_category=elderly_80_no_pension",
    "--set",
    "birth_date=1940-05-01",
]


def test_explain_prints_the_value_and_cites_the_decree(capsys):
    assert main(EXAMPLE) == 0
    output = capsys.readouterr().out
    assert output.splitlines()[0] == "tgxh_monthly_allowance [2024-07] = 500000"
    assert "NĐ 76/2024" in output
    assert "tham số tgxh.standard_level = 500000 (áp dụng từ 2024-07-01" in output
    assert "tgxh.coefficients.elderly_80_no_pension = 1" in output


def test_explain_json(capsys):
    assert main([*EXAMPLE, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["value"] == 500000
    assert data["tree"]["children"][0]["variable"] == "tgxh_coefficient"


def test_explain_value_for_another_period(capsys):
    argv = [
        "explain",
        "covid_support_total",
        "--period",
        "2020",
        "--set",
        "covid_group1_off_start_date=2020-04-01",
        "--set",
        "covid_group1_off_work@2020-04=true",
        "--set",
        "covid_group1_off_work@2020-05=có",
    ]
    assert main(argv) == 0
    assert capsys.readouterr().out.startswith("covid_support_total [2020] = 3600000")


def test_unconfirmed_parameter_exits_with_error_naming_it(capsys):
    argv = [
        "explain",
        "tgxh_monthly_allowance",
        "--period",
        "2024-07",
        "--set",
        "tgxh_category=single_poor_parent",
    ]
    assert main(argv) == 2
    assert "tgxh.coefficients.single_poor_parent" in capsys.readouterr().err


def test_bad_value_exits_with_error(capsys):
    assert main(["explain", "age", "--period", "2024-07", "--set", "birth_date=hôm qua"]) == 2
    assert "không hợp lệ" in capsys.readouterr().err


def test_parameters_listing(capsys):
    assert main(["parameters", "--prefix", "tgxh.coefficients.single"]) == 0
    assert "CHƯA XÁC MINH" in capsys.readouterr().out


def test_runs_as_a_module(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-m", "ansinh.policy.cli", *EXAMPLE],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "500000" in result.stdout
