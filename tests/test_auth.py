"""Signing in (allauth, email + password), throttling, the second factor, and the portal."""

from __future__ import annotations

from django.test import Client

from tests.conftest import client_for, host
from tests.factories import PASSWORD


def _login(client: Client, email: str, password: str):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_sign_in_on_the_comune_host_lands_on_its_home(cast):
    user = cast.by_role["assistente_sociale"]
    client = Client(HTTP_HOST=host(cast.comune_a.ente))
    response = _login(client, user.email, PASSWORD)
    assert response.status_code == 302
    home = client.get(response["Location"])
    assert home.status_code == 200
    assert "Comune di Perugia" in home.content.decode()


def test_wrong_password_is_refused_in_italian(cast):
    user = cast.by_role["assistente_sociale"]
    response = _login(Client(HTTP_HOST=host(cast.comune_a.ente)), user.email, "sbagliata-1234")
    assert response.status_code == 200
    assert "non sono corretti" in response.content.decode()


def test_login_is_throttled_after_five_failures(cast):
    user = cast.by_role["operatore_sportello"]
    client = Client(HTTP_HOST=host(cast.comune_a.ente))
    for i in range(5):
        assert "non sono corretti" in _login(client, user.email, f"sbagliata-{i}").content.decode()
    # Even the right password is held back while throttled, with a message saying why.
    response = _login(client, user.email, PASSWORD)
    assert response.status_code == 200
    assert "Troppi tentativi di accesso" in response.content.decode()
    assert client.get("/").status_code == 302  # still signed out


def test_signup_is_closed(cast):
    response = Client(HTTP_HOST=host(cast.comune_a.ente)).get("/accounts/signup/")
    assert response.status_code in (200, 302, 404)
    assert b'name="password2"' not in response.content


def test_second_factor_setup_is_available(cast):
    client = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    assert client.get("/accounts/2fa/").status_code == 200
    # Turning on the second factor asks for the password again first.
    asked = client.get("/accounts/2fa/totp/activate/")
    assert asked.status_code == 302
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    again = client.post(asked["Location"], {"password": PASSWORD})
    assert again.status_code == 302
    activate = client.get("/accounts/2fa/totp/activate/")
    assert activate.status_code == 200
    assert b"otpauth://totp/" in activate.content or b"<svg" in activate.content
    assert 'name="code"' in activate.content.decode()


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
