"""The OpenFisca YAML tests of ansinh.policy pass when run the way a maintainer runs them."""

import os
import subprocess
import sys
from pathlib import Path

import ansinh.policy

YAML_TESTS = Path(ansinh.policy.__file__).parent / "tests"


def test_openfisca_yaml_tests_pass_from_any_folder(tmp_path):
    openfisca = Path(sys.executable).parent / "openfisca"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [str(openfisca), "test", "--country-package", "ansinh.policy", str(YAML_TESTS)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert " passed" in result.stdout and "failed" not in result.stdout


def test_package_import_does_not_load_django(tmp_path):
    code = "import sys, ansinh.policy; assert 'django' not in sys.modules, 'django imported'"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
