"""The second factor is mandatory for the roles that read case files (and, where an ente
asks it, for every role of that ente); a user who must have one and has none is sent to
TOTP enrolment on first sign-in and reaches nothing else until enrolled."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.test import Client
from django_tenants.utils import tenant_context

from services.core.errors import ValidationFailed
from services.core.models import AuditEntry
from tenants.adapters import MFAAdapter
from tenants.roles import Role, role_requires_mfa
from tenants.services.members import membership_grant, user_create
from tenants.services.mfa import ente_set_mfa_obbligatoria, totp_enrol, user_must_use_mfa
from tests.conftest import client_for, host
from tests.factories import PASSWORD, person
from tests.test_auth import MFA_PAGE, _login

ACTIVATE = "/accounts/2fa/totp/activate/"


def _new_user(email: str, role: str, ente) -> object:
    p = person()
    user = user_create(email=email, first_name=p.first_name, last_name=p.last_name,
                       password=PASSWORD, codice_fiscale=p.codice_fiscale)
    membership_grant(user=user, ente=ente, role=role)
    return user


def test_the_roles_that_read_case_files_need_a_second_factor():
    assert {r.value for r in Role if role_requires_mfa(r.value)} == {
        Role.ASSISTENTE_SOCIALE, Role.EDUCATORE, Role.PSICOLOGO, Role.DIRIGENTE}


def test_a_new_social_worker_is_sent_to_enrolment_and_reaches_nothing_else(
        cast, django_capture_on_commit_callbacks):
    user = _new_user("nuova.assistente@perugia.test", Role.ASSISTENTE_SOCIALE,
                     cast.comune_a.ente)
    client = Client(HTTP_HOST=host(cast.comune_a.ente))
    response = _login(client, user.email, PASSWORD)
    assert response.status_code == 302
    landing = client.get(response["Location"])
    assert landing.status_code == 302
    assert landing["Location"] == ACTIVATE
    for path in ("/", "/cartelle/", "/anagrafica/", "/ente/", "/accounts/2fa/",
                 "/accounts/password/change/"):
        blocked = client.get(path)
        assert blocked.status_code == 302, path
        assert blocked["Location"] == ACTIVATE, path
    assert client.get("/api/v1/me/").status_code == 403
    assert client.get("/static/favicon.ico").status_code in (200, 404)  # not redirected

    # Turning it on asks for the password again (allauth), then shows the key.
    asked = client.get(ACTIVATE)
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    assert client.post(asked["Location"], {"password": PASSWORD}).status_code == 302
    page = client.get(ACTIVATE)
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    wrong = client.post(ACTIVATE, {"code": "123456"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=user).exists()
    import time

    from allauth.mfa import app_settings

    code = format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals after commit
        done = client.post(ACTIVATE, {"code": code})
    assert done.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    # Enrolled: the session passed the second factor, the comune opens.
    assert client.get("/").status_code == 200
    assert client.get("/cartelle/").status_code == 200


def test_logout_is_reachable_before_enrolment(cast):
    user = _new_user("educatore.nuovo@perugia.test", Role.EDUCATORE, cast.comune_a.ente)
    client = Client(HTTP_HOST=host(cast.comune_a.ente))
    _login(client, user.email, PASSWORD)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert "/accounts/login/" in client.get("/")["Location"]


def test_a_session_that_skipped_the_users_second_factor_is_signed_out(cast):
    """A session of a user with TOTP and no second-factor record (made around allauth's
    sign-in) does not count."""
    user = cast.by_role["psicologo"]
    client = Client(HTTP_HOST=host(cast.comune_a.ente))
    client.force_login(user)
    response = client.get("/cartelle/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.get("/").status_code == 302


def test_an_ente_may_require_it_of_every_role(cast):
    ente = cast.comune_a.ente
    sportello = cast.by_role["operatore_sportello"]
    assert not user_must_use_mfa(sportello)
    assert client_for(sportello, ente).get("/").status_code == 200

    ente_set_mfa_obbligatoria(ente=ente, obbligatoria=True, actor=cast.superuser)
    assert user_must_use_mfa(sportello)
    client = Client(HTTP_HOST=host(ente))
    _login(client, sportello.email, PASSWORD)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE
    with tenant_context(ente):
        entry = AuditEntry.objects.get(action="ente.secondo_fattore_obbligatorio")
    assert entry.actor_label == cast.superuser.email
    assert entry.payload == {"obbligatoria": True}
    # Another ente's people are not affected.
    assert not user_must_use_mfa(cast.coordinatore)


def test_the_ente_setting_is_refused_on_the_platform(cast):
    from tenants.models import Ente

    public = Ente.objects.get(type=Ente.Type.PUBLIC)
    with pytest.raises(ValidationFailed):
        ente_set_mfa_obbligatoria(ente=public, obbligatoria=True)
    assert not Ente.objects.get(pk=public.pk).mfa_obbligatoria


def test_a_required_second_factor_cannot_be_removed(cast):
    dirigente = cast.by_role["dirigente"]
    totp = Authenticator.objects.get(user=dirigente, type=Authenticator.Type.TOTP)
    assert MFAAdapter().can_delete_authenticator(totp) is False
    client = client_for(dirigente, cast.comune_a.ente)
    client.post("/accounts/2fa/totp/deactivate/", {})
    assert Authenticator.objects.filter(pk=totp.pk).exists()
    # Someone who chose one freely may drop it.
    sportello = cast.by_role["operatore_sportello"]
    own = totp_enrol(user=sportello, secret="JBSWY3DPEHPK3PXP")
    assert MFAAdapter().can_delete_authenticator(own) is True


def test_a_secret_that_is_not_base32_is_refused(cast):
    with pytest.raises(ValidationFailed):
        totp_enrol(user=cast.by_role["operatore_sportello"], secret="non-base32!")
    assert not Authenticator.objects.filter(user=cast.by_role["operatore_sportello"]).exists()


def test_platform_staff_need_it_too(cast):
    assert user_must_use_mfa(cast.superuser)
    client = Client(HTTP_HOST="localhost")
    assert _login(client, cast.superuser.email, PASSWORD)["Location"] == MFA_PAGE


def test_the_dirigente_extends_it_from_the_operators_page(cast):
    ente = cast.comune_a.ente
    client = client_for(cast.by_role["dirigente"], ente)
    page = client.get("/ente/operatori/")
    assert 'id="mfa-form"' in page.content.decode()
    response = client.post("/ente/secondo-fattore/", {"obbligatoria": "1"})
    assert response.status_code == 302
    ente.refresh_from_db()
    assert ente.mfa_obbligatoria
    with tenant_context(ente):
        entry = AuditEntry.objects.get(action="ente.secondo_fattore_obbligatorio")
    assert entry.actor_label == cast.by_role["dirigente"].email
    # Who does not manage the ente's people cannot.
    assert client_for(cast.by_role["assistente_sociale"], ente).post(
        "/ente/secondo-fattore/", {"obbligatoria": "0"}).status_code == 403
    assert client_for(cast.outsider, ente).post(
        "/ente/secondo-fattore/", {"obbligatoria": "0"}).status_code == 404
    ente.refresh_from_db()
    assert ente.mfa_obbligatoria


def test_who_turns_it_on_freely_stays_signed_in(cast, django_capture_on_commit_callbacks):
    import time

    from allauth.mfa import app_settings

    user = cast.by_role["operatore_sportello"]
    client = Client(HTTP_HOST=host(cast.comune_a.ente))
    _login(client, user.email, PASSWORD)
    asked = client.get(ACTIVATE)
    client.post(asked["Location"], {"password": PASSWORD})
    client.get(ACTIVATE)
    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(ACTIVATE, {"code": code}).status_code == 302
    assert client.get("/").status_code == 200
    # Next time, the code is asked at sign-in.
    fresh = Client(HTTP_HOST=host(cast.comune_a.ente))
    assert _login(fresh, user.email, PASSWORD)["Location"] == MFA_PAGE
