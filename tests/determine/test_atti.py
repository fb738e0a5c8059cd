"""Acts that cannot be: a determina or a liquidazione dated after today. A determina is
corrected (rettifica) or annulled by the administrative office, with the reason, in the audit
trail and on its page; an annulled one takes no new payment and commits only what it had
liquidated, here and in the zone's reporting store."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from services.core.errors import NotAllowed, ValidationFailed
from services.core.models import AuditEntry
from services.determine.models import Determina, Liquidazione
from services.determine.selectors import riepilogo_per_anno, riepilogo_per_determina
from services.determine.services import (
    determina_annul,
    determina_create,
    determina_rectify,
    liquidazione_create,
)
from services.interventi.services import intervento_assegna_determina
from tests.conftest import client_for
from tests.interventi.conftest import approvato

D = Decimal
K = "interventi.pagamento"


def _domani() -> date:
    return timezone.localdate() + timedelta(days=1)


def test_a_determina_dated_in_the_future_is_refused(a):
    with pytest.raises(ValidationFailed, match="nel futuro") as exc:
        determina_create(actor=a.amministrativo, data_adozione=_domani(), oggetto="X",
                         capitolo="1", importo_impegnato=D("100.00"))
    assert exc.value.field == "data_adozione"
    assert not Determina.objects.exists()


def test_a_liquidazione_dated_in_the_future_is_refused(a, persona, servizio, determina):
    i = approvato(a, persona, servizio, "300.00")
    intervento_assegna_determina(actor=a.amministrativo, intervento=i, determina=determina)
    with pytest.raises(ValidationFailed, match="nel futuro") as exc:
        liquidazione_create(actor=a.amministrativo, determina=determina,
                            oggetti=[(K, i.pagamenti.get().pk)], data=_domani())
    assert exc.value.field == "data_atto"
    assert not Liquidazione.objects.exists()
    determina.refresh_from_db()
    assert determina.importo_liquidato == D("0.00")


def test_the_future_is_refused_by_the_page_too(cast, a):
    c = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    r = c.post("/determine/nuova/", {"data_adozione": _domani().isoformat(), "oggetto": "X",
                                     "capitolo": "1", "importo_impegnato": "100,00"})
    assert r.status_code == 200
    assert "nel futuro" in r.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert not Determina.objects.exists()


def _rettifica(a, determina, **changes):
    args = {"actor": a.amministrativo, "determina": determina, "motivo": "Errore materiale",
            "data_adozione": determina.data_adozione, "oggetto": determina.oggetto,
            "capitolo": determina.capitolo, "importo_impegnato": determina.importo_impegnato,
            "articolo": determina.articolo, "note": determina.note}
    args.update(changes)
    return determina_rectify(**args)


def test_a_rectification_changes_what_it_says_with_the_reason_in_the_trail(a, determina):
    _rettifica(a, determina, capitolo="5678", importo_impegnato=D("1500.00"))
    determina.refresh_from_db()
    assert (determina.capitolo, determina.importo_impegnato) == ("5678", D("1500.00"))
    entry = AuditEntry.objects.get(action="determina.rettificata",
                                   object_id=str(determina.public_id))
    assert entry.payload["motivo"] == "Errore materiale"
    assert entry.payload["prima"] == {"capitolo": "1234", "importo_impegnato": "1000.00"}
    assert entry.payload["dopo"] == {"capitolo": "5678", "importo_impegnato": "1500.00"}


@pytest.mark.parametrize(("changes", "field"), [
    ({"motivo": "  "}, "motivo"),
    ({"importo_impegnato": D("200.00")}, "importo_impegnato"),  # below what is liquidated
    ({"data_adozione": date(2099, 1, 1)}, "data_adozione"),
    ({"oggetto": ""}, "oggetto"),
])
def test_bad_rectifications_change_nothing(a, persona, servizio, determina, changes, field):
    i = approvato(a, persona, servizio, "300.00")
    intervento_assegna_determina(actor=a.amministrativo, intervento=i, determina=determina)
    with pytest.raises(ValidationFailed) as exc:
        _rettifica(a, determina, **changes)
    assert exc.value.field == field
    determina.refresh_from_db()
    assert determina.importo_impegnato == D("1000.00")
    assert not AuditEntry.objects.filter(action="determina.rettificata").exists()


def test_only_the_administrative_office_rectifies_or_annuls(a, determina):
    with pytest.raises(NotAllowed):
        _rettifica(a, determina, actor=a.assistente_sociale, capitolo="9")
    with pytest.raises(NotAllowed):
        determina_annul(actor=a.assistente_sociale, determina=determina, motivo="No")
    determina.refresh_from_db()
    assert (determina.capitolo, determina.stato) == ("1234", Determina.Stato.ESECUTIVA)


@pytest.fixture
def mezza_liquidata(a, persona, servizio, determina):
    """A determina of 1.000 € that paid 300 € and still has a 200 € intervention to pay."""
    pagato = approvato(a, persona, servizio, "300.00")
    intervento_assegna_determina(actor=a.amministrativo, intervento=pagato, determina=determina)
    liquidazione_create(actor=a.amministrativo, determina=determina,
                        oggetti=[(K, pagato.pagamenti.get().pk)], data=date(2025, 4, 1))
    da_pagare = approvato(a, persona, servizio, "200.00", data_inizio=date(2025, 4, 2))
    intervento_assegna_determina(actor=a.amministrativo, intervento=da_pagare,
                                 determina=determina)
    determina.refresh_from_db()
    return determina, da_pagare


def test_an_annulled_determina_keeps_what_it_paid_and_pays_nothing_more(a, persona, servizio,
                                                                         mezza_liquidata):
    determina, da_pagare = mezza_liquidata
    with pytest.raises(ValidationFailed, match="motivo"):
        determina_annul(actor=a.amministrativo, determina=determina, motivo="")
    determina_annul(actor=a.amministrativo, determina=determina, motivo="Revocata in autotutela")
    determina.refresh_from_db()
    assert determina.stato == Determina.Stato.ANNULLATA
    assert determina.importo_liquidato == D("300.00")  # stays liquidated
    assert (determina.impegno_effettivo, determina.disponibile) == (D("300.00"), D("0.00"))
    entry = AuditEntry.objects.get(action="determina.annullata")
    assert entry.payload["motivo"] == "Revocata in autotutela"
    assert entry.payload["liberato"] == "700.00"
    with pytest.raises(ValidationFailed, match="non è esecutiva"):
        liquidazione_create(actor=a.amministrativo, determina=determina,
                            oggetti=[(K, da_pagare.pagamenti.get().pk)], data=date(2025, 4, 5))
    altro = approvato(a, persona, servizio, "50.00", data_inizio=date(2025, 4, 3))
    with pytest.raises(ValidationFailed, match="non è esecutiva"):
        intervento_assegna_determina(actor=a.amministrativo, intervento=altro,
                                     determina=determina)
    with pytest.raises(ValidationFailed, match="già annullata"):
        determina_annul(actor=a.amministrativo, determina=determina, motivo="Di nuovo")
    with pytest.raises(ValidationFailed, match="non si rettifica"):
        _rettifica(a, determina, capitolo="1")


def test_the_summaries_count_an_annulled_determina_at_what_it_liquidated(a, mezza_liquidata):
    determina, _i = mezza_liquidata
    determina_annul(actor=a.amministrativo, determina=determina, motivo="Revocata")
    riga = riepilogo_per_determina(2025).get(pk=determina.pk)
    assert (riga.impegnato, riga.liquidato, riga.residuo) == (D("300.00"), D("300.00"), D("0"))
    anno = next(r for r in riepilogo_per_anno() if r["esercizio"] == 2025)
    assert (anno["impegnato"], anno["liquidato"]) == (D("300.00"), D("300.00"))


def test_the_reporting_store_sees_the_annulment(a, mezza_liquidata):
    """The plan line's committed figure loses the uncommitted remainder; the liquidated
    amount stays counted."""
    from zone.aggregation.estrazione import estrai_comune

    determina, _i = mezza_liquidata
    prima = next(s for s in estrai_comune(since=None).spese
                 if s["origine_id"] == determina.public_id)
    assert (prima["importo_impegnato"], prima["importo_liquidato"]) == (D("1000.00"),
                                                                         D("300.00"))
    determina_annul(actor=a.amministrativo, determina=determina, motivo="Revocata")
    dopo = next(s for s in estrai_comune(since=None).spese
                if s["origine_id"] == determina.public_id)
    assert (dopo["importo_impegnato"], dopo["importo_liquidato"]) == (D("300.00"), D("300.00"))


def test_the_page_rectifies_annuls_and_shows_the_history(cast, a, mezza_liquidata):
    determina, _i = mezza_liquidata
    c = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    url = f"/determine/{determina.public_id}/"
    page = c.get(url).content.decode()
    assert 'id="rettifica-form"' in page
    assert 'id="annulla-determina-form"' in page
    r = c.post(url + "rettifica/", {"data_adozione": "2025-01-20", "oggetto": "Contributi 2025",
                                   "capitolo": "1234", "importo_impegnato": "1.200,00",
                                   "motivo": "Integrazione dell'impegno"})
    assert r.status_code == 302
    r = c.post(url + "rettifica/", {"data_adozione": "2025-01-20", "oggetto": "Contributi 2025",
                                   "capitolo": "1234", "importo_impegnato": "100,00",
                                   "motivo": "Riduzione"})
    assert r.status_code == 400
    assert "non può scendere sotto" in r.content.decode()
    assert c.post(url + "annulla/", {"motivo": ""}).status_code == 400
    assert c.post(url + "annulla/", {"motivo": "Revocata"}).status_code == 302
    page = c.get(url).content.decode()
    assert 'id="determina-annullata"' in page
    assert 'id="rettifica-form"' not in page
    assert 'id="liquida-link"' not in page
    assert "Integrazione dell&#x27;impegno" in page
    assert "Revocata" in page
    with tenant_context(cast.comune_a.ente):
        determina.refresh_from_db()
        assert (determina.importo_impegnato, determina.stato) == (D("1200.00"), "annullata")
    # The social worker has no capability on determine: the pages are refused.
    worker = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    assert worker.post(url + "annulla/", {"motivo": "x"}).status_code in (403, 404)
    connection.set_schema_to_public()
