"""Tenant isolation: no membership for the host's tenant means 404, whoever asks."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from services.core.audit import audit_log
from services.core.models import AuditEntry
from tests.conftest import client_for

TENANT_PAGES = ["/", "/ente/", "/ente/operatori/", "/ente/registro/", "/api/v1/me/"]


@pytest.mark.parametrize("path", TENANT_PAGES)
def test_operator_of_another_comune_gets_404(cast, path):
    response = client_for(cast.outsider, cast.comune_a.ente).get(path)
    assert response.status_code == 404


@pytest.mark.parametrize("path", TENANT_PAGES)
def test_platform_superuser_without_membership_gets_404(cast, path):
    response = client_for(cast.superuser, cast.comune_a.ente).get(path)
    assert response.status_code == 404


@pytest.mark.parametrize("path", TENANT_PAGES)
def test_zone_coordinator_cannot_open_a_comune(cast, path):
    response = client_for(cast.coordinatore, cast.comune_a.ente).get(path)
    assert response.status_code == 404


def test_404_page_does_not_name_the_comune(cast):
    response = client_for(cast.outsider, cast.comune_a.ente).get("/")
    assert b"Perugia" not in response.content


def test_anonymous_visitor_is_sent_to_sign_in(cast):
    response = client_for(None, cast.comune_a.ente).get("/ente/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/ente/")


def test_unknown_host_is_404(cast):
    from django.test import Client

    assert Client(HTTP_HOST="nessuno.localhost").get("/").status_code == 404


def test_template_schema_is_not_reachable(cast):
    from django.test import Client

    assert Client(HTTP_HOST="template-comune.localhost").get("/").status_code == 404


def test_revoked_membership_is_404(cast):
    from tenants.services.members import membership_revoke

    user = cast.by_role["assistente_sociale"]
    membership_revoke(user=user, ente=cast.comune_a.ente)
    assert client_for(user, cast.comune_a.ente).get("/").status_code == 404


def test_data_written_in_a_is_absent_from_b(cast):
    with schema_context(cast.comune_a.ente.schema_name):
        audit_log(action="prova.scritto_in_a", payload={"nota": "solo in A"})
        assert AuditEntry.objects.filter(action="prova.scritto_in_a").count() == 1
    with schema_context(cast.comune_b.ente.schema_name):
        assert not AuditEntry.objects.filter(action="prova.scritto_in_a").exists()
    assert not AuditEntry.objects.filter(action="prova.scritto_in_a").exists()  # public
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT count(*) FROM "{cast.comune_b.ente.schema_name}".core_auditentry '  # noqa: S608
            "WHERE action = 'prova.scritto_in_a'"
        )
        assert cursor.fetchone()[0] == 0


def test_own_comune_home_for_every_comune_role(cast):
    for role, user in cast.by_role.items():
        response = client_for(user, cast.comune_a.ente).get("/")
        assert response.status_code == 200, role
        assert "Perugia" in response.content.decode()


def test_zone_and_region_homes(cast):
    zone = client_for(cast.coordinatore, cast.zona.ente).get("/")
    assert zone.status_code == 200
    assert "Perugia" in zone.content.decode()
    assert "Assisi" in zone.content.decode()
    region = client_for(cast.osservatore, cast.regione.ente).get("/")
    assert region.status_code == 200
    assert cast.zona.code in region.content.decode()
