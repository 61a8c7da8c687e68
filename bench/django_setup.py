"""Make the repository importable and Django configured, for the benchmark's helper scripts."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keeper.settings")

import django  # noqa: E402

django.setup()
