"""The reporting key has a development default; production refuses to start without it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_production_requires_the_reporting_key():
    env = {k: v for k, v in os.environ.items() if k != "AMBITO_REPORTING_KEY"}
    env.update({
        "DJANGO_SETTINGS_MODULE": "ambito.settings.production",
        "AMBITO_SECRET_KEY": "k" * 20 + "-prod-secret-with-enough-entropy-0123456789abcdef",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1/ambito"),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    })
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"],
        capture_output=True, text=True, cwd=ROOT, env=env, check=False,
    )
    assert result.returncode != 0
    assert "AMBITO_REPORTING_KEY" in result.stderr
