"""Signing in (allauth, email + password + second factor), throttling, the portal."""

from __future__ import annotations

from django.test import Client

from tests.conftest import client_for, host, totp_code
from tests.factories import PASSWORD

MFA_PAGE = "/accounts/2fa/authenticate/"


def _login(client: Client, email: str, password: str):
    return client.post("/accounts/login/", {"login": email, "password": password})


def sign_in(client: Client, user, password: str = PASSWORD):
    """Password, then the TOTP code when allauth asks for it; returns the last response."""
    response = _login(client, user.email, password)
    if response.status_code == 302 and response["Location"] == MFA_PAGE:
        response = client.post(MFA_PAGE, {"code": totp_code(user)})
    return response


def test_sign_in_on_the_comune_host_lands_on_its_home(cast):
    user = cast.by_role["assistente_sociale"]
    client = Client(HTTP_HOST=host(cast.comune_a.ente))
    # The password alone is not enough for a role that reads case files.
    first = _login(client, user.email, PASSWORD)
    assert first.status_code == 302
    assert first["Location"] == MFA_PAGE
    assert client.get("/").status_code == 302
    response = client.post(MFA_PAGE, {"code": totp_code(user)})
    assert response.status_code == 302
    home = client.get(response["Location"])
    assert home.status_code == 200
    assert "Comune di Perugia" in home.content.decode()


def test_a_role_without_case_files_signs_in_with_the_password(cast):
    client = Client(HTTP_HOST=host(cast.comune_a.ente))
    response = _login(client, cast.by_role["operatore_sportello"].email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] != MFA_PAGE
    assert client.get("/").status_code == 200


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


def test_an_attacker_elsewhere_cannot_lock_out_the_owner(cast):
    user = cast.by_role["amministrativo"]
    attacker = Client(HTTP_HOST=host(cast.comune_a.ente), REMOTE_ADDR="203.0.113.66")
    for i in range(8):
        attacker_page = _login(attacker, user.email, f"indovino-{i}").content.decode()
    assert "Troppi tentativi di accesso" in attacker_page
    # The owner, at the office, signs in at once.
    owner = Client(HTTP_HOST=host(cast.comune_a.ente), REMOTE_ADDR="198.51.100.7")
    response = _login(owner, user.email, PASSWORD)
    assert response.status_code == 302
    assert owner.get("/").status_code == 200
    # The attacker's address stays stopped for that account, right password or not.
    refused = _login(attacker, user.email, PASSWORD)
    assert refused.status_code == 200
    assert "Troppi tentativi di accesso" in refused.content.decode()
    assert attacker.get("/").status_code == 302


def test_spraying_from_many_addresses_hits_the_account_ceiling(cast):
    user = cast.by_role["amministrativo"]
    for n in range(10):
        c = Client(HTTP_HOST=host(cast.comune_a.ente), REMOTE_ADDR=f"192.0.2.{n + 1}")
        for i in range(5):
            assert "non sono corretti" in _login(c, user.email, f"spray-{i}").content.decode()
    fresh = Client(HTTP_HOST=host(cast.comune_a.ente), REMOTE_ADDR="192.0.2.200")
    response = _login(fresh, user.email, "spray-last")
    assert "Troppi tentativi di accesso" in response.content.decode()


def test_wrong_second_factor_codes_are_throttled(cast):
    user = cast.by_role["dirigente"]
    client = Client(HTTP_HOST=host(cast.comune_a.ente))
    assert _login(client, user.email, PASSWORD)["Location"] == MFA_PAGE
    for _ in range(5):
        page = client.post(MFA_PAGE, {"code": "000000"}).content.decode()
        assert "Troppi tentativi" not in page
    page = client.post(MFA_PAGE, {"code": totp_code(user)})
    assert page.status_code == 200
    assert "Troppi tentativi" in page.content.decode()
    assert client.get("/").status_code == 302


def test_signup_is_closed(cast):
    response = Client(HTTP_HOST=host(cast.comune_a.ente)).get("/accounts/signup/")
    assert response.status_code in (200, 302, 404)
    assert b'name="password2"' not in response.content


def test_second_factor_setup_is_available(cast):
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
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
