"""Each role's desk is its work queue: what waits for me, with counts and links, and only
what my capabilities open."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

from django.urls import reverse

from services.domande.services import Dsu, domanda_create, domande_assegna
from tests.conftest import client_for
from tests.interventi.conftest import una_tantum

COMUNE = "ambito.urls.comune"


def _queue(cast, role: str, ente=None) -> dict[str, tuple[str, str]]:
    page = client_for(cast.by_role[role], ente or cast.comune_a.ente).get("/")
    assert page.status_code == 200
    items = re.findall(r'data-queue="(\w+)">\s*<a href="([^"]+)"[^>]*>([^<]+)</a>',
                       page.content.decode())
    return {key: (unescape(text).strip(), unescape(url)) for key, url, text in items}


def test_the_dirigente_sees_the_proposals_waiting_for_a_decision(cast, a, persona, servizio):
    una_tantum(a, persona, servizio)
    una_tantum(a, persona, servizio, importo="120.00")
    with_url = reverse("interventi_da_decidere", urlconf=COMUNE)
    queue = _queue(cast, "dirigente")
    assert queue["proposte"] == ("2 proposte di intervento da decidere", with_url)
    # The social worker who proposed cannot decide: no such entry on her desk.
    assert "proposte" not in _queue(cast, "assistente_sociale")


def test_new_applications_wait_for_assignment_and_then_for_their_worker(cast, a, persona,
                                                                         servizio):
    domanda = domanda_create(actor=a.amministrativo, persona=persona, servizio=servizio,
                             numero_protocollo="77", data_protocollo=date(2025, 3, 10),
                             dsu=Dsu(protocollo="", anno=None, data=None, isee_valore=None))
    manager = next(r for r in ("amministrativo", "dirigente", "operatore_sportello")
                   if "domande_da_assegnare" in _queue(cast, r))
    assert _queue(cast, manager)["domande_da_assegnare"][0] == "1 domanda nuova da assegnare"
    domande_assegna(actor=getattr(a, manager), domande=[domanda],
                    operatore_id=cast.by_role["assistente_sociale"].pk)
    assert "domande_da_assegnare" not in _queue(cast, manager)
    assert _queue(cast, "assistente_sociale")["domande_mie"] == (
        "1 domanda assegnata a te da istruire", reverse("domande_coda", urlconf=COMUNE))


def test_an_empty_queue_says_so_and_another_comune_sees_nothing_of_ours(cast, a, persona,
                                                                       servizio):
    una_tantum(a, persona, servizio)
    page = client_for(cast.by_role["operatore_sportello"], cast.comune_a.ente).get("/")
    assert "Niente in attesa" in page.content.decode()
    outsider = client_for(cast.outsider, cast.comune_b.ente).get("/")
    assert "proposte di intervento" not in outsider.content.decode()
