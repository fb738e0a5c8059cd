"""The client address of audit entries and of sign-in throttling: X-Forwarded-For only
through the proxies named in AMBITO_TRUSTED_PROXIES, REMOTE_ADDR otherwise."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django_tenants.utils import tenant_context

from services.anagrafica.services import Actor
from services.core.clientip import client_address
from services.core.models import AuditEntry
from tests.cartella.conftest import new_persona
from tests.conftest import client_for


def _request(remote: str, xff: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("proxies", "remote", "xff", "expected"),
    [
        # No proxy trusted: the header is never believed.
        ([], "127.0.0.1", "203.0.113.7", "127.0.0.1"),
        # Behind the local nginx: the address nginx appended.
        (["127.0.0.1"], "127.0.0.1", "203.0.113.7", "203.0.113.7"),
        # A client spoofing the header through nginx: nginx appends the real address last,
        # and that rightmost untrusted entry is the one taken.
        (["127.0.0.1"], "127.0.0.1", "10.9.9.9, 203.0.113.7", "203.0.113.7"),
        # A spoofed header straight from an untrusted client is ignored.
        (["127.0.0.1"], "198.51.100.2", "203.0.113.7", "198.51.100.2"),
        # Two trusted hops (load balancer network, then nginx).
        (["127.0.0.1", "10.0.0.0/8"], "127.0.0.1", "203.0.113.7, 10.0.0.5",
         "203.0.113.7"),
        # Every hop trusted: the leftmost is the best known.
        (["127.0.0.1", "10.0.0.0/8"], "127.0.0.1", "10.0.0.9, 10.0.0.5", "10.0.0.9"),
        # Garbage in the header stops the walk at the last good address.
        (["127.0.0.1"], "127.0.0.1", "not-an-ip", "127.0.0.1"),
        # Trusted proxy, no header.
        (["127.0.0.1"], "127.0.0.1", None, "127.0.0.1"),
        # IPv6 proxy and client.
        (["::1"], "::1", "2001:db8::5", "2001:db8::5"),
        # A port on the entry (some balancers add it).
        (["127.0.0.1"], "127.0.0.1", "203.0.113.7:51234", "203.0.113.7"),
    ],
)
def test_client_address(settings, proxies, remote, xff, expected):
    settings.AMBITO_TRUSTED_PROXIES = proxies
    assert client_address(_request(remote, xff)) == expected


def test_allauth_counts_the_same_address(settings):
    from allauth.account.adapter import get_adapter

    settings.AMBITO_TRUSTED_PROXIES = ["127.0.0.1"]
    adapter = get_adapter()
    assert adapter.get_client_ip(_request("127.0.0.1", "203.0.113.7")) == "203.0.113.7"
    assert adapter.get_client_ip(_request("198.51.100.2", "203.0.113.7")) == "198.51.100.2"


@pytest.fixture
def persona(cast):
    with tenant_context(cast.comune_a.ente):
        return new_persona(Actor(cast.by_role["assistente_sociale"]))


def _read_ip(cast, persona, **extra) -> str:
    client = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    assert client.get(f"/anagrafica/{persona.public_id}/", **extra).status_code == 200
    with tenant_context(cast.comune_a.ente):
        return AuditEntry.objects.get(action="persona.letta").ip_address


def test_behind_the_trusted_proxy_the_audit_records_the_client(settings, cast, persona):
    settings.AMBITO_TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    assert _read_ip(cast, persona, REMOTE_ADDR="127.0.0.1",
                    HTTP_X_FORWARDED_FOR="203.0.113.7") == "203.0.113.7"


def test_a_spoofed_header_from_an_untrusted_client_is_ignored(settings, cast, persona):
    settings.AMBITO_TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    assert _read_ip(cast, persona, REMOTE_ADDR="198.51.100.2",
                    HTTP_X_FORWARDED_FOR="203.0.113.7") == "198.51.100.2"


def _production(**env) -> list:
    import json
    import os
    import subprocess
    import sys

    base = {k: v for k, v in os.environ.items() if k != "AMBITO_TRUSTED_PROXIES"}
    base.update({"DJANGO_SETTINGS_MODULE": "ambito.settings.production",
                 "AMBITO_SECRET_KEY": "x" * 50, "AMBITO_REPORTING_KEY": "y" * 50, **env})
    code = ("import json, django; from django.conf import settings; django.setup(); "
            "print(json.dumps([settings.AMBITO_TRUSTED_PROXIES, "
            "settings.ALLAUTH_TRUSTED_PROXY_COUNT]))")
    out = subprocess.run([sys.executable, "-c", code], env=base, capture_output=True,
                         text=True, check=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_trusts_the_local_nginx_by_default_and_one_setting_drives_both():
    # allauth's own header counting stays off: its adapter asks client_address.
    assert _production() == [["127.0.0.1", "::1"], 0]
    assert _production(AMBITO_TRUSTED_PROXIES="10.0.0.0/8,127.0.0.1") == [
        ["10.0.0.0/8", "127.0.0.1"], 0]


def test_a_malformed_proxy_entry_stops_start_up(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from ambito import env

    monkeypatch.setenv("AMBITO_TRUSTED_PROXIES", "127.0.0.1,nginx")
    with pytest.raises(ImproperlyConfigured, match="'nginx' is not an IP address or network"):
        env.networks("AMBITO_TRUSTED_PROXIES")
    monkeypatch.setenv("AMBITO_TRUSTED_PROXIES", " 127.0.0.1 , 10.0.0.0/8 ")
    assert env.networks("AMBITO_TRUSTED_PROXIES") == ["127.0.0.1", "10.0.0.0/8"]
