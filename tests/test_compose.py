"""No Docker engine runs here, so the compose file is checked by reading it: every
service command must name a module that imports, and every variable handed to
Keeper must be one the settings actually read."""

import importlib
import re
import shlex
from pathlib import Path

import pytest
import yaml

import keeper.settings  # noqa: F401  (fills keeper.env.READ)
from keeper.env import READ

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
KEEPER_SERVICES = ["web", "worker", "beat"]


def command_words(service: dict) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def test_compose_has_every_service_the_product_names():
    assert set(COMPOSE["services"]) == {"postgres", "redis", "web", "worker", "beat"}


@pytest.mark.parametrize("name", KEEPER_SERVICES)
def test_every_keeper_service_sets_only_variables_the_settings_read(name):
    environment = COMPOSE["services"][name]["environment"]

    unknown = set(environment) - READ
    assert not unknown, f"{name} sets variables Keeper never reads: {sorted(unknown)}"
    assert {"SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL"} <= set(environment)


@pytest.mark.parametrize("name", KEEPER_SERVICES)
def test_every_keeper_service_command_names_modules_that_import(name):
    words = " ".join(command_words(COMPOSE["services"][name]))

    targets = re.findall(r"gunicorn\s+([\w.]+):(\w+)", words)
    apps = re.findall(r"celery\s+(?:--app|-A)\s+([\w.]+)", words)
    commands = re.findall(r"manage\.py\s+(\w+)", words)
    assert targets or apps, f"{name} runs neither gunicorn nor celery"
    for module, attribute in targets:
        assert hasattr(importlib.import_module(module), attribute)
    for app in apps:
        assert importlib.import_module(app).celery_app.main == "keeper"
    from django.core.management import get_commands

    assert set(commands) <= set(get_commands()), f"unknown management commands in {name}"


def test_the_dockerfile_installs_the_lock_file_and_the_web_image_serves_gunicorn():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert "--require-hashes -r requirements.lock" in dockerfile
    assert "keeper.wsgi:application" in dockerfile
    for name in KEEPER_SERVICES:
        assert COMPOSE["services"][name]["build"] == "."
