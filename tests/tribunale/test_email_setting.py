"""``AMBITO_EMAIL_NOTIFICHE``: defined in the base settings from the environment (on unless
turned off), and with it on an inbox notification also leaves as an e-mail."""

from __future__ import annotations

import runpy

import pytest
from django.conf import settings as django_settings

import ambito.settings.base
from services.pai.models import Notifica

from .test_services import _crea


def _base_settings() -> dict:
    return runpy.run_path(ambito.settings.base.__file__)


@pytest.mark.parametrize(("value", "expected"), [
    (None, True), ("", True), ("true", True), ("1", True), ("false", False), ("0", False),
    ("no", False),
])
def test_the_setting_is_read_from_the_environment(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("AMBITO_EMAIL_NOTIFICHE", raising=False)
    else:
        monkeypatch.setenv("AMBITO_EMAIL_NOTIFICHE", value)
    assert _base_settings()["AMBITO_EMAIL_NOTIFICHE"] is expected


def test_the_running_settings_define_it():
    assert isinstance(django_settings.AMBITO_EMAIL_NOTIFICHE, bool)


def test_with_it_on_the_assignment_is_mailed(cast, in_a, dirigente, minore, settings,
                                             mailoutbox, django_capture_on_commit_callbacks):
    settings.AMBITO_EMAIL_NOTIFICHE = True
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        proc = _crea(dirigente, minore, numero_rg="31/2026", operatori_ids=[in_a.user.pk])
    assert Notifica.objects.filter(destinatario_id=in_a.user.pk).count() == 1
    [mail] = mailoutbox
    assert mail.to == [in_a.user.email]
    assert "31/2026" in mail.body
    assert f"/tribunale/{proc.public_id}/" in mail.body
