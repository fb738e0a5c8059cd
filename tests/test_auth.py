"""Signing in (allauth, email + password), throttling, the second factor, and the portal."""

from __future__ import annotations

from django.core.cache import cache
from django.test import Client

from tests.conftest import client_for, host
from tests.factories import PASSWORD


def _login(client: Client, email: str, password: str):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_sign_in_on_the_comune_host_lands_on_its_home(cast):
    cache.clear()
    user = cast.by_role["assistente_sociale"]
    client = Client(HTTP_HOST=host(cast.comune_a.ente))
    response = _login(client, user.email, PASSWORD)
    assert response.status_code == 302
    home = client.get(response["Location"])
    assert home.status_code == 200
    assert "Comune di Perugia" in home.content.decode()


def test_wrong_password_is_refused_in_italian(cast):
    cache.clear()
    user = cast.by_role["assistente_sociale"]
    response = _login(Client(HTTP_HOST=host(cast.comune_a.ente)), user.email, "sbagliata-1234")
    assert response.status_code == 200
    assert "non sono corretti" in response.content.decode()


def test_login_is_throttled(cast):
    cache.clear()
    user = cast.by_role["operatore_sportello"]
    client = Client(HTTP_HOST=host(cast.comune_a.ente))
    statuses = [_login(client, user.email, f"sbagliata-{i}").status_code for i in range(7)]
    assert 429 in statuses
    # Even the right password is held back while throttled.
    assert _login(client, user.email, PASSWORD).status_code == 429
    cache.clear()


def test_signup_is_closed(cast):
    response = Client(HTTP_HOST=host(cast.comune_a.ente)).get("/accounts/signup/")
    assert response.status_code in (200, 302, 404)
    assert b'name="password2"' not in response.content


def test_second_factor_setup_is_available(cast):
    client = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    assert client.get("/accounts/2fa/").status_code == 200
    activate = client.get("/accounts/2fa/totp/activate/")
    assert activate.status_code == 200
    assert b"otpauth" in activate.content or b"svg" in activate.content


def test_portal_lists_the_users_tenants(cast):
    response = client_for(cast.superuser).get("/")
    assert response.status_code == 200
    one = client_for(cast.by_role["dirigente"]).get("/")
    # A user with a single membership goes straight to that tenant.
    assert one.status_code == 302
    assert host(cast.comune_a.ente) in one["Location"]


def test_pages_are_italian(cast):
    response = Client(HTTP_HOST=host(cast.comune_a.ente)).get("/accounts/login/")
    assert response.status_code == 200
    assert 'lang="it"' in response.content.decode()
    assert "Accedi" in response.content.decode()
