"""The comune's adoption page (urls_comune.py), wired here as the lead will wire it."""

from __future__ import annotations

import copy

import pytest
from django_tenants.utils import tenant_context

from services.interventi.models import Servizio
from tenants.roles import ROLE_CAPABILITIES, Role
from tests.conftest import client_for
from zone.catalogo.models import Adozione


@pytest.fixture
def wired(settings):
    types = copy.deepcopy(settings.TENANT_TYPES)
    types["comune"]["URLCONF"] = "tests.catalogo.urls_comune_wired"
    settings.TENANT_TYPES = types


@pytest.mark.parametrize("role", [r.value for r in Role if r not in (
    Role.COORDINATORE_ZONA, Role.OSSERVATORE_REGIONALE)])
def test_the_page_by_role(cast, wired, voce_listino, role):
    r = client_for(cast.by_role[role], cast.comune_a.ente).get("/listino-ambito/")
    allowed = "manage_servizi" in ROLE_CAPABILITIES[role]
    assert r.status_code == (200 if allowed else 403)
    if allowed:
        assert voce_listino.nome in r.content.decode()


def test_the_outsider_gets_404(cast, wired, voce_listino):
    c = client_for(cast.outsider, cast.comune_a.ente)
    assert c.get("/listino-ambito/").status_code == 404
    assert c.post(f"/listino-ambito/{voce_listino.public_id}/adotta/").status_code == 404


def test_the_dirigente_adopts_an_entry(cast, wired, voce_listino):
    c = client_for(cast.by_role[Role.DIRIGENTE], cast.comune_a.ente)
    r = c.post(f"/listino-ambito/{voce_listino.public_id}/adotta/", {"nome": "ADI anziani"})
    assert r.status_code == 302
    adozione = Adozione.objects.get(voce=voce_listino, comune=cast.comune_a)
    with tenant_context(cast.comune_a.ente):
        assert Servizio.objects.get(public_id=adozione.servizio_id).nome == "ADI anziani"
    r = c.post(f"/listino-ambito/{voce_listino.public_id}/adotta/", follow=True)
    assert "già adottato" in r.content.decode()
    assert "Adottato" in c.get("/listino-ambito/").content.decode()
