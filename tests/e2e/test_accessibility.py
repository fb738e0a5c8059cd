"""axe-core (npm `axe-core`, run in the browser tests' Chromium) over every role's desk and
the main page of every app, on each kind of host: PA software must meet WCAG 2.1 AA, so any
violation of axe's WCAG 2.0/2.1 A and AA rules fails the run, with its pages listed."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import _CAST, client_for
from tests.e2e.test_browser import browser, server  # noqa: F401

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

COMUNE = "ambito.urls.comune"
ZONA = "ambito.urls.zona"
REGIONE = "ambito.urls.regione"
PUBLIC = "ambito.urls.public"

# (role, url name) on comune A: each app's main page, as a role that may open it.
COMUNE_PAGES = [
    ("operatore_sportello", "accesso_list"),
    ("operatore_sportello", "anagrafica_list"),
    ("dirigente", "sportelli_list"),
    ("dirigente", "sportelli_new"),
    ("dirigente", "segretariato_cifre"),
    ("assistente_sociale", "cartella_list"),
    ("assistente_sociale", "cartella_dashboard"),
    ("assistente_sociale", "domande_coda"),
    ("assistente_sociale", "invii_ricevuti"),
    ("assistente_sociale", "tribunale_list"),
    ("assistente_sociale", "tribunale_udienze"),
    ("dirigente", "approvazioni_list"),
    ("dirigente", "interventi_da_decidere"),
    ("dirigente", "servizi_list"),
    ("dirigente", "trasferimenti_list"),
    ("dirigente", "ente_audit"),
    ("dirigente", "ente_members"),
    ("amministrativo", "domande_list"),
    ("amministrativo", "interventi_list"),
    ("amministrativo", "determine_list"),
    ("amministrativo", "liquidazioni_list"),
    ("amministrativo", "determine_riepilogo"),
    ("amministrativo", "fornitori_list"),
    ("amministrativo", "fatture_list"),
    ("amministrativo", "domiciliare_list"),
    ("amministrativo", "ricoveri_list"),
    ("amministrativo", "lsu_list"),
    ("amministrativo", "assegni_list"),
    ("amministrativo", "statistiche_comune"),
    ("amministrativo", "piano_comune"),
]


def _targets() -> list[tuple[str, object, object, str]]:
    """(label, user, ente, path) for every page checked."""
    cast = _CAST[0]
    a = cast.comune_a.ente
    out = [(f"{role} /", user, a, "/") for role, user in cast.by_role.items()]
    out += [(f"{role} {name}", cast.by_role[role], a, reverse(name, urlconf=COMUNE))
            for role, name in COMUNE_PAGES]
    out += [(f"coordinatore {name}", cast.coordinatore, cast.zona.ente,
             reverse(name, urlconf=ZONA))
            for name in ("home", "piano_list", "statistiche_zona", "catalogo_list",
                         "listino_list")]
    out += [("osservatore /", cast.osservatore, cast.regione.ente, "/")]
    out += [(f"superuser {name}", cast.superuser, None, reverse(name, urlconf=PUBLIC))
            for name in ("platform_registry", "platform_jobs")]
    return out


@pytest.mark.browser
def test_every_desk_and_main_page_passes_axe_wcag_21_aa(server, browser,  # noqa: F811
                                                       django_db_blocker):
    assert AXE.exists(), "axe-core is missing: scripts/test.sh installs it with npm ci"
    failures: list[str] = []
    checked = 0
    with django_db_blocker.unblock():
        targets = _targets()
        sessions = {}
        for _label, user, ente, _path in targets:
            key = (user.pk, ente.pk if ente else None)
            if key not in sessions:
                sessions[key] = client_for(user, ente).cookies["sessionid"].value
    # The axe script is injected inline, which the product's Content-Security-Policy would
    # (rightly) refuse: the audit context bypasses CSP, the pages are otherwise unchanged.
    # A phone-sized window: wide tables scroll there, which is where keyboard users get stuck.
    context = browser.new_context(locale="it-IT", bypass_csp=True,
                                  viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        for label, user, ente, path in targets:
            domain = ente.get_primary_domain().domain if ente else "localhost"
            context.add_cookies([{"name": "sessionid", "domain": domain, "path": "/",
                                  "value": sessions[(user.pk, ente.pk if ente else None)]}])
            response = page.goto(f"http://{domain}:{server}{path}")
            assert response is not None
            if response.status != 200 or "/accounts/" in page.url:
                failures.append(f"{label}: HTTP {response.status} at {page.url}")
                continue
            page.add_script_tag(path=str(AXE))
            result = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
            checked += 1
            for v in result["violations"]:
                nodes = "; ".join(n["target"][0] if isinstance(n["target"][0], str)
                                  else str(n["target"]) for n in v["nodes"][:3])
                failures.append(f"{label} {path}: {v['id']} ({v['impact']}): {nodes}")
    finally:
        context.close()
    print(f"axe-core: {checked} pages checked, {len(failures)} violations")  # noqa: T201
    assert not failures, "\n".join(failures)
