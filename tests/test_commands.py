"""The provisioning commands an IT person runs: clear errors, nothing half-made."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_exists

from tenants.models import Comune, Ente, Membership, User

ROOT = Path(__file__).resolve().parents[1]


def test_create_comune_twice(cast, capsys):
    args = ["--istat", "054012", "--name", "Corciano", "--zona", cast.zona.code,
            "--belfiore", "C990", "--provincia", "PG", "--abitanti", "21000"]
    call_command("create_comune", *args)
    assert "Creato: comune di Corciano" in capsys.readouterr().out
    call_command("create_comune", *args)
    assert "Già presente" in capsys.readouterr().out
    assert Comune.objects.filter(istat_code="054012").count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--istat", "54012", "--name", "Corciano", "--zona", "ZS-PG"], "servono 6 cifre"),
        (["--istat", "054012", "--name", "Corciano", "--zona", "NESSUNA"], "non esiste"),
        (["--istat", "054012", "--name", "Corciano", "--zona", "ZS-PG", "--slug", "Bad Slug"],
         "non è valido"),
        (["--istat", "054039", "--name", "Corciano", "--zona", "ZS-PG"], "già usato"),
    ],
)
def test_create_comune_bad_input(cast, args, message):
    before = (Ente.objects.count(), Comune.objects.count())
    with pytest.raises(CommandError, match=message):
        call_command("create_comune", *args)
    assert (Ente.objects.count(), Comune.objects.count()) == before
    assert not schema_exists("comune_054012")


def test_create_operator_gives_a_role(cast):
    call_command("create_operator", "--email", "Nuova.Operatrice@Perugia.test",
                 "--first-name", "Anna", "--last-name", "Rossi", "--ente", "perugia",
                 "--role", "educatore", "--codice-fiscale", "RSSNNA80A41G478G")
    user = User.objects.get(email="nuova.operatrice@perugia.test")
    assert Membership.objects.get(user=user).role == "educatore"


def test_create_operator_refuses_a_bad_codice_fiscale(cast):
    with pytest.raises(CommandError, match="codice fiscale"):
        call_command("create_operator", "--email", "x@perugia.test", "--ente", "perugia",
                     "--role", "educatore", "--codice-fiscale", "RSSNNA80A41G478X")
    assert not User.objects.filter(email="x@perugia.test").exists()


def test_production_settings_pass_check_deploy():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "ambito.settings.production",
        "AMBITO_SECRET_KEY": "k" * 20 + "-prod-secret-with-enough-entropy-0123456789abcdef",
        "AMBITO_REPORTING_KEY": "r" * 20 + "-prod-reporting-key-0123456789abcdef",
        "AMBITO_BASE_DOMAIN": "ambito.example.it",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1/ambito"),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    }
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True, text=True, cwd=ROOT, env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_its_secret():
    env = {k: v for k, v in os.environ.items() if k != "AMBITO_SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "ambito.settings.production"
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"],
        capture_output=True, text=True, cwd=ROOT, env=env,
    )
    assert result.returncode != 0
    assert "AMBITO_SECRET_KEY" in result.stderr
