"""The demo (scripts/run.sh, development settings) shows the product's Italian error pages,
not Django's debug pages, unless a developer asks for them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _debug(**env: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c",
         "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "ambito.settings.dev", **env},
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=60,
    )
    return out.stdout.strip()


def test_the_demo_runs_without_debug_pages():
    assert _debug(AMBITO_DEBUG="") == "False"


def test_a_developer_can_ask_for_debug_pages():
    assert _debug(AMBITO_DEBUG="true") == "True"
