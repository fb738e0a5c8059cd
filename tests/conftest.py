"""The test platform: one region, one zone, two comuni (A and B), and a fixed cast.

The test database is migrated once per run and the platform seeded once (committed); each
test then runs in a transaction that is rolled back, so provisioning inside a test (schema
DDL included) leaves nothing behind.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from tenants.models import Comune, Ente, Regione, User, Zona
from tenants.roles import Role
from tenants.services.members import membership_grant, user_create
from tenants.services.mfa import totp_enrol, user_has_totp, user_must_use_mfa
from tenants.services.platform import platform_bootstrap
from tenants.services.provisioning import (
    comune_create,
    regione_create,
    zona_create,
    zona_set_capofila,
)
from tests.factories import PASSWORD, person

COMUNE_A = {"istat_code": "054039", "name": "Perugia", "slug": "perugia",
            "belfiore_code": "G478", "provincia": "PG", "population": 162_000}
COMUNE_B = {"istat_code": "054001", "name": "Assisi", "slug": "assisi",
            "belfiore_code": "A475", "provincia": "PG", "population": 28_000}
# The second factor of every cast member who must have one (the roles that read case files,
# the platform admin): tests compute codes from it (``totp_code``).
TOTP_SECRET = "AMBITOTESTSECRETTOTPAMBITOTEST23"  # noqa: S105

ZONA = {"code": "ZS-PG", "name": "Zona sociale n. 2 Perugia", "slug": "zona-perugia"}
REGIONE = {"istat_code": "10", "name": "Umbria", "slug": "umbria"}


@dataclass
class Cast:
    """Who acts in the tests: every comune role in A, a social worker of B who must get
    404 everywhere in A, the zone coordinator, the regional observer, a platform admin."""

    comune_a: Comune
    comune_b: Comune
    zona: Zona
    regione: Regione
    by_role: dict[str, User]
    outsider: User
    coordinatore: User
    osservatore: User
    superuser: User


def _user(email: str, role: str, ente: Ente) -> User:
    p = person()
    user = user_create(email=email, first_name=p.first_name, last_name=p.last_name,
                       password=PASSWORD, codice_fiscale=p.codice_fiscale)
    membership_grant(user=user, ente=ente, role=role)
    _enrol_if_required(user)
    return user


def _enrol_if_required(user: User) -> None:
    """What the user would do on first sign-in when their role requires a second factor."""
    if user_must_use_mfa(user):
        totp_enrol(user=user, secret=TOTP_SECRET)


_USED_TOTP_STEPS: dict[int, set[int]] = {}


def totp_code(user: User) -> str:
    """A code the user's authenticator app would show now. Each code works once; with one
    step of tolerance the next step's code is also valid, so a second sign-in within the
    same 30 seconds uses that one (and a third waits for the next step)."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = app_settings.TOTP_PERIOD
    used = _USED_TOTP_STEPS.setdefault(user.pk, set())
    while True:
        now = int(time.time()) // period
        for step in (now, now + 1):
            if step not in used:
                used.add(step)
                return format_hotp_value(hotp_value(TOTP_SECRET, step))
        time.sleep(period - time.time() % period + 0.05)


def _seed() -> Cast:
    platform_bootstrap()
    regione = regione_create(**REGIONE).obj
    zona = zona_create(regione_istat=regione.istat_code, **ZONA).obj
    a = comune_create(zona_code=zona.code, **COMUNE_A).obj
    b = comune_create(zona_code=zona.code, **COMUNE_B).obj
    zona_set_capofila(zona_code=zona.code, comune_istat=a.istat_code)
    comune_roles = [r for r in Role if r not in (Role.COORDINATORE_ZONA, Role.OSSERVATORE_REGIONALE)]
    by_role = {r.value: _user(f"{r.value}@perugia.test", r.value, a.ente) for r in comune_roles}
    return Cast(
        comune_a=a, comune_b=b, zona=zona, regione=regione, by_role=by_role,
        outsider=_user("assistente@assisi.test", Role.ASSISTENTE_SOCIALE, b.ente),
        coordinatore=_user("coordinatore@zona.test", Role.COORDINATORE_ZONA, zona.ente),
        osservatore=_user("osservatore@umbria.test", Role.OSSERVATORE_REGIONALE, regione.ente),
        superuser=_superuser("admin@ambito.test"),
    )


def _superuser(email: str) -> User:
    user = User.objects.create_superuser(email, PASSWORD)
    _enrol_if_required(user)
    return user


_CAST: list[Cast] = []


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker, django_db_modify_db_settings):
    """Create the test database once, migrate it once, seed the platform once. Unlike
    pytest-django's own, it also runs for the tests that write committed data on purpose
    (real worker, fleet migration) and carry no django_db mark."""
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        db_cfg = setup_databases(verbosity=0, interactive=False, aliases={"default"},
                                 serialized_aliases=set())
        _CAST.append(_seed())
    yield
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        with connection.cursor() as cursor:  # stray server or worker connections
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        teardown_databases(db_cfg, verbosity=0)


@pytest.fixture
def cast(db) -> Cast:
    return _CAST[0]


@pytest.fixture(autouse=True)
def _clean_slate():
    """Each test starts on the public schema with an empty cache (login throttling counts
    live there)."""
    cache.clear()
    _USED_TOTP_STEPS.clear()  # allauth's used-code marks were in the cache
    yield
    connection.set_schema_to_public()


def host(ente: Ente) -> str:
    return ente.get_primary_domain().domain


def client_for(user: User | None, ente: Ente | None = None) -> Client:
    """A browser of ``user`` pointed at ``ente``'s host (the platform host if None)."""
    from django.conf import settings

    c = Client(HTTP_HOST=host(ente) if ente is not None else settings.BASE_DOMAIN)
    if user is not None:
        connection.set_schema_to_public()
        _enrol_if_required(user)
        c.force_login(user)
        _record_sign_in(c, user)
    connection.set_schema_to_public()
    return c


def _record_sign_in(c: Client, user: User) -> None:
    """Mark the session the way allauth's sign-in does: the password, and the second factor
    for a user who has one (allauth's MFA stage records it after a valid code)."""
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )
    from allauth.account.internal.userkit import user_id_to_str
    from allauth.mfa.models import Authenticator

    now = time.time()
    records: list[dict] = [{"method": "password", "at": now, "email": user.email}]
    if user_has_totp(user):
        totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
        records.append({"method": "mfa", "at": now, "id": totp.pk, "type": "totp"})
    session = c.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    session.save()
