"""Every tenant page against every role: the capability table decides, nothing else."""

from __future__ import annotations

import pytest
from django.urls import resolve

from tenants.roles import ROLE_CAPABILITIES, Role
from tests.conftest import client_for

# path -> capability the page declares
PAGES = {
    "/": "view_home",
    "/ente/": "view_home",
    "/ente/operatori/": "manage_members",
    "/ente/registro/": "view_audit",
    "/ente/registro/integrita/": "verify_audit",
    "/api/v1/me/": "view_home",
}
# The comune's own work pages (the tree menu's entries), by the capability they declare.
COMUNE_PAGES = {
    "/anagrafica/": "view_anagrafica",
    "/anagrafica/nuova/": "edit_anagrafica",
    "/anagrafica/importazioni/": "import_anagrafe",
    "/anagrafica/importazioni/nuova/": "import_anagrafe",
    "/accesso/": "write_scheda_accesso|view_cartella",
    "/accesso/nuova/": "write_scheda_accesso",
    "/accesso/risorse/": "view_anagrafica",
    "/accesso/risorse/nuova/": "write_scheda_accesso",
    "/pai/cruscotto/": "view_cartella",
    "/cartelle/": "view_cartella",
    "/cartelle/schede-da-valutare/": "manage_cartella",
    "/pai/verifiche-scadute/": "view_cartella",
    "/pai/approvazioni/": "approve_pai",
    "/trasferimenti/": "manage_cartella",
}
# The region's work pages, by the capability they declare.
REGIONE_PAGES = {
    "/indicatori/": "view_region_indicators",
    "/modelli/": "manage_modelli_rendiconto",
    "/modelli/nuovo/": "manage_modelli_rendiconto",
    "/modelli/copia/": "manage_modelli_rendiconto",
}
COMUNE_ROLES = [r for r in Role if r not in (Role.COORDINATORE_ZONA, Role.OSSERVATORE_REGIONALE)]


@pytest.mark.parametrize("role", [r.value for r in COMUNE_ROLES])
@pytest.mark.parametrize("path", list(PAGES))
def test_comune_pages_by_role(cast, role, path):
    response = client_for(cast.by_role[role], cast.comune_a.ente).get(path)
    expected = 200 if PAGES[path] in ROLE_CAPABILITIES[role] else 403
    assert response.status_code == expected


def _allowed(role: str, declared: str) -> bool:
    return any(cap in ROLE_CAPABILITIES[role] for cap in declared.split("|"))


@pytest.mark.parametrize("role", [r.value for r in COMUNE_ROLES])
@pytest.mark.parametrize("path", list(COMUNE_PAGES))
def test_comune_work_pages_by_role(cast, role, path):
    response = client_for(cast.by_role[role], cast.comune_a.ente).get(path)
    assert response.status_code == (200 if _allowed(role, COMUNE_PAGES[path]) else 403)


@pytest.mark.parametrize("path", list(COMUNE_PAGES))
def test_comune_work_pages_are_404_for_another_comune(cast, path):
    assert client_for(cast.outsider, cast.comune_a.ente).get(path).status_code == 404


@pytest.mark.parametrize("path", list(PAGES))
def test_zone_pages_for_the_coordinator(cast, path):
    response = client_for(cast.coordinatore, cast.zona.ente).get(path)
    expected = 200 if PAGES[path] in ROLE_CAPABILITIES[Role.COORDINATORE_ZONA] else 403
    assert response.status_code == expected


@pytest.mark.parametrize("path", list(PAGES))
def test_region_pages_for_the_observer(cast, path):
    response = client_for(cast.osservatore, cast.regione.ente).get(path)
    expected = 200 if PAGES[path] in ROLE_CAPABILITIES[Role.OSSERVATORE_REGIONALE] else 403
    assert response.status_code == expected


@pytest.mark.parametrize("path", list(REGIONE_PAGES))
def test_region_work_pages_for_the_observer(cast, path):
    response = client_for(cast.osservatore, cast.regione.ente).get(path)
    assert response.status_code == (200 if _allowed(Role.OSSERVATORE_REGIONALE,
                                                    REGIONE_PAGES[path]) else 403)


@pytest.mark.parametrize(("urlconf", "table"), [
    ("ambito.urls.comune", {**PAGES, **COMUNE_PAGES}),
    ("ambito.urls.regione", {**PAGES, **REGIONE_PAGES}),
])
def test_the_table_above_matches_what_views_declare(cast, urlconf, table):
    from django.urls import set_urlconf

    set_urlconf(urlconf)
    try:
        for path, capability in table.items():
            view = resolve(path).func
            declared = getattr(view, "required_capability", None) or getattr(
                getattr(view, "view_class", None), "required_capability", None
            )
            assert declared == capability, path
    finally:
        set_urlconf(None)


def test_platform_pages_are_for_platform_admins_only(cast):
    for path in ["/piattaforma/", "/piattaforma/comuni/nuovo/", "/piattaforma/elaborazioni/"]:
        assert client_for(cast.superuser).get(path).status_code == 200, path
        assert client_for(cast.by_role["dirigente"]).get(path).status_code == 404, path
