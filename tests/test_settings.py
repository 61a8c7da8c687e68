import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def import_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "HTTPS", "SECURE_HSTS_SECONDS"}}
    return subprocess.run(
        [sys.executable, "-c", "import keeper.settings as s; print(s.DEBUG, s.SECURE_HSTS_SECONDS)"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_secret_key_is_required_when_debug_is_off():
    result = import_settings(DEBUG="false")

    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


def test_debug_runs_without_a_secret_key():
    result = import_settings(DEBUG="true")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "0"]


@pytest.mark.parametrize("value", ["maybe", "2", "yes please"])
def test_a_boolean_setting_rejects_anything_but_true_or_false(value):
    result = import_settings(DEBUG=value, SECRET_KEY="x")

    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_production_defaults_turn_on_https_hardening():
    result = import_settings(DEBUG="false", SECRET_KEY="x")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "31536000"]


@pytest.mark.parametrize(("value", "message"), [("0", "at least 1"), ("a year", "whole number")])
def test_the_retention_period_is_a_positive_number_of_days(value, message):
    result = import_settings(DEBUG="true", RETENTION_DAYS=value)

    assert result.returncode != 0
    assert message in result.stderr
