"""scripts/run.sh refuses to start when a port it needs is taken, and says in Italian which
variable to set, before installing or starting anything."""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def occupata() -> Iterator[int]:
    """A port some other program listens on."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    yield s.getsockname()[1]
    s.close()


def _libera() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(**env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PORT")}
    return subprocess.run(["bash", str(ROOT / "scripts" / "run.sh")], env={**base, **env},
                          capture_output=True, text=True, timeout=60, check=False)


def test_a_busy_web_port_names_the_variable_to_set(occupata):
    result = _run(PORT=str(occupata))
    assert result.returncode == 1
    assert f"la porta {occupata} è già occupata" in result.stdout
    assert "PORT=8080 bash scripts/run.sh" in result.stdout


def test_a_busy_embedded_postgresql_port_names_the_variable_to_set(occupata):
    result = _run(PORT=str(_libera()), AMBITO_EMBEDDED_PG_PORT=str(occupata))
    assert result.returncode == 1
    assert f"la porta {occupata} del PostgreSQL locale è già occupata" in result.stdout
    assert "AMBITO_EMBEDDED_PG_PORT=" in result.stdout
