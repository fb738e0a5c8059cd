"""Platform staff: the Django admin signs in only through allauth (second factor
included) and is off in production unless asked for; a superuser's capabilities in a
comune are those of their membership's role, nothing more; every membership, whoever makes
it and from wherever, is in the ente's own audit trail with the actor."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from services.core.models import AuditEntry
from tenants.models import Membership, User
from tenants.roles import ROLE_CAPABILITIES, Capability, Role, permission_name
from tenants.services.members import membership_grant, membership_revoke
from tests.conftest import client_for, totp_code
from tests.factories import PASSWORD
from tests.test_auth import MFA_PAGE

PLATFORM = "localhost"


# --- the Django admin ----------------------------------------------------------------------

def test_the_admin_login_is_allauths_and_asks_the_second_factor(cast):
    client = Client(HTTP_HOST=PLATFORM)
    response = client.post("/admin/login/?next=/admin/",
                           {"username": cast.superuser.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/admin/").status_code == 302  # the password alone signed nobody in

    first = client.post(response["Location"],
                        {"login": cast.superuser.email, "password": PASSWORD})
    assert first["Location"] == MFA_PAGE
    assert client.get("/admin/").status_code == 302
    done = client.post(MFA_PAGE, {"code": totp_code(cast.superuser)})
    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_thirty_wrong_passwords_on_the_admin_path_sign_nobody_in_and_are_throttled(cast):
    client = Client(HTTP_HOST=PLATFORM, REMOTE_ADDR="203.0.113.9")
    for i in range(30):
        response = client.post("/admin/login/",
                               {"username": cast.superuser.email, "password": f"admin-{i}"})
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    # Where the admin path leads, wrong passwords are counted and stopped.
    for i in range(5):
        _ = client.post("/accounts/login/", {"login": cast.superuser.email,
                                             "password": f"admin-{i}"})
    refused = client.post("/accounts/login/", {"login": cast.superuser.email,
                                               "password": PASSWORD})
    assert "Troppi tentativi di accesso" in refused.content.decode()
    assert client.get("/admin/").status_code == 302


def test_admin_pages_need_a_session_that_passed_the_second_factor(cast):
    client = Client(HTTP_HOST=PLATFORM)
    client.force_login(cast.superuser)  # no second-factor record in the session
    response = client.get("/admin/tenants/membership/")
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 302
    assert client_for(cast.superuser).get("/admin/tenants/membership/").status_code == 200


def test_the_admin_can_be_switched_off(cast, settings):
    settings.AMBITO_ADMIN_ENABLED = False
    client = client_for(cast.superuser)
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/login/").status_code == 404
    assert client.get("/admin/tenants/membership/").status_code == 404
    # The platform's own pages stay.
    assert client.get("/piattaforma/").status_code == 200


def test_production_switches_the_admin_off_unless_asked(monkeypatch):
    import importlib
    import sys

    monkeypatch.setenv("AMBITO_SECRET_KEY", "x" * 50)
    monkeypatch.setenv("AMBITO_REPORTING_KEY", "y" * 50)
    monkeypatch.setenv("DATABASE_URL", "postgres://u@127.0.0.1:5432/x")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    for value, expected in ((None, False), ("true", True)):
        if value is None:
            monkeypatch.delenv("AMBITO_ADMIN_ENABLED", raising=False)
        else:
            monkeypatch.setenv("AMBITO_ADMIN_ENABLED", value)
        sys.modules.pop("ambito.settings.production", None)
        module = importlib.import_module("ambito.settings.production")
        assert module.AMBITO_ADMIN_ENABLED is expected
    sys.modules.pop("ambito.settings.production", None)


# --- a superuser's capabilities ------------------------------------------------------------

@pytest.fixture
def staff_sportello(cast):
    """A platform superuser who is also the front-office operator of comune A."""
    user = User.objects.create_superuser("staff.sportello@ambito.test", PASSWORD)
    membership_grant(user=user, ente=cast.comune_a.ente, role=Role.OPERATORE_SPORTELLO,
                     actor=cast.superuser)
    return user


def test_a_superuser_gets_only_the_capabilities_of_the_membership_role(cast, staff_sportello):
    allowed = ROLE_CAPABILITIES[Role.OPERATORE_SPORTELLO]
    with tenant_context(cast.comune_a.ente):
        user = User.objects.get(pk=staff_sportello.pk)
        for capability in Capability:
            assert user.has_perm(permission_name(capability)) is (capability in allowed), capability
    with tenant_context(cast.comune_b.ente):
        user = User.objects.get(pk=staff_sportello.pk)
        assert not any(user.has_perm(permission_name(c)) for c in Capability)
    client = client_for(staff_sportello, cast.comune_a.ente)
    assert client.get("/anagrafica/").status_code == 200
    assert client.get("/cartelle/").status_code == 403
    assert client.get("/ente/operatori/").status_code == 403
    assert client_for(staff_sportello, cast.comune_b.ente).get("/").status_code == 404


def test_a_superuser_without_membership_has_no_capability(cast):
    with tenant_context(cast.comune_a.ente):
        user = User.objects.get(pk=cast.superuser.pk)
        assert not any(user.has_perm(permission_name(c)) for c in Capability)
    assert client_for(cast.superuser, cast.comune_a.ente).get("/").status_code == 404


def test_the_platform_pages_still_open_for_superusers(cast):
    client = client_for(cast.superuser)
    for path in ("/piattaforma/", "/piattaforma/comuni/nuovo/", "/catalogo/", "/admin/"):
        assert client.get(path).status_code == 200, path
    assert client_for(cast.by_role["dirigente"]).get("/piattaforma/").status_code == 404


# --- memberships in the ente's trail -------------------------------------------------------

def _trail(ente, membership, action):
    with tenant_context(ente):
        return list(AuditEntry.objects.filter(action=action, object_id=str(membership.public_id))
                    .order_by("id"))


def test_grant_change_and_revoke_are_in_the_entes_own_trail(cast, staff_sportello):
    ente = cast.comune_a.ente
    membership = Membership.objects.get(user=staff_sportello, ente=ente)
    [granted] = _trail(ente, membership, "abilitazione.concessa")
    assert granted.actor_label == cast.superuser.email
    assert granted.payload["ruolo"] == Role.OPERATORE_SPORTELLO

    membership_grant(user=staff_sportello, ente=ente, role=Role.DIRIGENTE, actor=cast.superuser)
    changed = _trail(ente, membership, "abilitazione.concessa")[-1]
    assert changed.payload["ruolo"] == Role.DIRIGENTE
    assert changed.payload["ruolo_precedente"] == Role.OPERATORE_SPORTELLO

    membership_revoke(user=staff_sportello, ente=ente, actor=cast.superuser)
    [revoked] = _trail(ente, membership, "abilitazione.revocata")
    assert revoked.actor_label == cast.superuser.email
    # Nothing of it in the other comune's trail.
    assert _trail(cast.comune_b.ente, membership, "abilitazione.concessa") == []


def test_a_membership_made_in_the_django_admin_goes_through_the_service(cast):
    from tenants.services.members import user_create
    from tests.factories import person

    p = person()
    user = user_create(email="da.admin@perugia.test", first_name=p.first_name,
                       last_name=p.last_name, codice_fiscale=p.codice_fiscale)
    client = client_for(cast.superuser)
    ente = cast.comune_a.ente
    response = client.post("/admin/tenants/membership/add/", {
        "user": user.pk, "ente": ente.pk, "role": Role.AMMINISTRATIVO, "is_active": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get(user=user, ente=ente)
    [granted] = _trail(ente, membership, "abilitazione.concessa")
    assert granted.actor_label == cast.superuser.email

    response = client.post(f"/admin/tenants/membership/{membership.pk}/change/", {
        "role": Role.EDUCATORE, "is_active": "on"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.EDUCATORE
    assert _trail(ente, membership, "abilitazione.concessa")[-1].payload["ruolo"] == Role.EDUCATORE

    response = client.post(f"/admin/tenants/membership/{membership.pk}/change/", {
        "role": Role.EDUCATORE})  # is_active off
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active
    [revoked] = _trail(ente, membership, "abilitazione.revocata")
    assert revoked.actor_label == cast.superuser.email


def test_the_django_admin_refuses_a_role_the_ente_cannot_have(cast):
    from tenants.services.members import user_create
    from tests.factories import person

    p = person()
    user = user_create(email="ruolo.sbagliato@perugia.test", first_name=p.first_name,
                       last_name=p.last_name, codice_fiscale=p.codice_fiscale)
    response = client_for(cast.superuser).post("/admin/tenants/membership/add/", {
        "user": user.pk, "ente": cast.comune_a.ente.pk, "role": Role.OSSERVATORE_REGIONALE,
        "is_active": "on"})
    assert response.status_code == 200
    assert "non si può assegnare" in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()


def test_the_ente_setting_changed_in_the_django_admin_is_audited_in_the_ente(cast):
    ente = cast.comune_b.ente
    response = client_for(cast.superuser).post(f"/admin/tenants/ente/{ente.pk}/change/", {
        "name": ente.name, "is_active": "on", "mfa_obbligatoria": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    ente.refresh_from_db()
    assert ente.mfa_obbligatoria
    with tenant_context(ente):
        entry = AuditEntry.objects.get(action="ente.secondo_fattore_obbligatorio")
    assert entry.actor_label == cast.superuser.email
