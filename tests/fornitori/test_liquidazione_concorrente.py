"""Two people liquidating the same provider's invoice at the same moment: the second fails
cleanly, the invoice is paid once and the determina counts it once.

Like the payment test in ``tests/determine/test_liquidazioni.py`` this one runs two real
connections (threads) on committed data, so it builds everything under a unique tag and
deletes it all in ``finally`` (the test database is shared by the whole run). Only the
audit entries stay: the trail is append-only in the database."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from django.db import connection
from django_tenants.utils import tenant_context

from services.anagrafica.services import Actor
from services.determine.models import Determina, Liquidazione, RigaLiquidazione
from services.determine.services import determina_create, liquidazione_create
from services.fornitori.liquidabile import KEY
from services.fornitori.models import Contratto, Fattura, Fornitore
from services.fornitori.services import (
    RigaInput,
    contratto_create,
    fattura_accetta,
    fattura_create,
    fornitore_create,
)
from services.interventi.models import Intervento
from services.ricoveri.models import Ricovero, Struttura
from services.ricoveri.services import presenze_registra, ricovero_autorizza, struttura_create
from tests.concurrency import at_once

from .conftest import IBAN, piva

D = Decimal
MARZO = date(2025, 3, 1)


def test_two_people_liquidating_the_same_invoice_at_once(django_db_setup, django_db_blocker):
    """An invoice checked against the contract (22 days invoiced, 20 recorded) and accepted
    by the dirigente; two people liquidate it at once: exactly one succeeds, the other gets
    an Italian message, one RigaLiquidazione, the invoice liquidated, the determina counts
    its amount once."""
    from services.interventi.services import servizio_create
    from tests.cartella.conftest import new_persona
    from tests.conftest import _CAST

    cast = _CAST[0]
    ente = cast.comune_a.ente
    tag = uuid.uuid4().hex[:8]
    amm = Actor(cast.by_role["amministrativo"], "10.0.0.1")
    dirigente = Actor(cast.by_role["dirigente"], "10.0.0.2")
    created: dict = {}
    with django_db_blocker.unblock():
        try:
            with tenant_context(ente):
                servizio = servizio_create(actor=dirigente, nome=f"RSA {tag}", tipo="ricovero",
                                           area_target="anziani", carattere="periodico")
                created["servizio"] = servizio
                persona = new_persona(Actor(cast.by_role["assistente_sociale"]))
                created["persona"] = persona
                determina = determina_create(actor=amm, data_adozione=date(2025, 1, 2),
                                             oggetto=f"Rette RSA {tag}", capitolo="1100",
                                             importo_impegnato=D("5000.00"), numero=f"F-{tag}")
                created["determina"] = determina
                gestore = fornitore_create(actor=amm, ragione_sociale=f"Opera Pia {tag}",
                                           tipo="struttura", codice_fiscale=piva(int(tag, 16)),
                                           iban=IBAN)
                created["fornitore"] = gestore
                contratto = contratto_create(
                    actor=amm, fornitore=gestore, servizio=servizio, numero=f"RSA-{tag}",
                    dal=date(2025, 1, 1), al=date(2025, 12, 31), determina=determina,
                    tariffa_giornaliera=D("85.00"), posti_massimi=5,
                    importo_massimo=D("4000.00"))
                created["contratto"] = contratto
                struttura = struttura_create(actor=amm, fornitore=gestore, nome=f"RSA {tag}",
                                             posti=5)
                created["struttura"] = struttura
                intervento = Intervento.objects.create(
                    persona=persona, servizio=servizio, tipo="ricovero",
                    carattere=servizio.carattere, area_target=servizio.area_target,
                    stato=Intervento.Stato.APPROVATO, proposto_il=date(2025, 1, 10),
                    deciso_il=date(2025, 1, 20), data_inizio=date(2025, 2, 1))
                created["intervento"] = intervento
                ricovero = ricovero_autorizza(actor=amm, intervento=intervento,
                                              struttura=struttura, contratto=contratto,
                                              dal=date(2025, 2, 1), quota_utente=D("25.00"))
                created["ricovero"] = ricovero
                presenze_registra(actor=amm, ricovero=ricovero, mese=MARZO, giorni=20)
                # 22 days at 60 € (85 less the user's 25): two days more than recorded.
                fattura = fattura_create(
                    actor=amm, contratto=contratto, numero=f"FT-{tag}", data=date(2025, 4, 2),
                    competenza=MARZO, importo_totale=D("1320.00"),
                    righe=[RigaInput(intervento=intervento, quantita=D("22"),
                                     importo=D("1320.00"))])
                created["fattura"] = fattura
                assert fattura.stato == Fattura.Stato.CON_DISCREPANZE
                fattura = fattura_accetta(actor=dirigente, fattura=fattura,
                                          motivazione="Due giorni di ricovero ospedaliero")
                assert fattura.stato == Fattura.Stato.ACCETTATA

            def liquida(who: str):
                return lambda: liquidazione_create(
                    actor=Actor(cast.by_role[who]), determina=determina,
                    oggetti=[(KEY, fattura.pk)], data=date(2025, 5, 10),
                    numero=f"L-{tag}-{who[:3]}").pk

            results = list(at_once(ente, {w: liquida(w) for w in ("amministrativo",
                                                                    "dirigente")}).values())
            assert sorted(r[0] for r in results) == ["errore", "ok"], results
            [(_k, message)] = [r for r in results if r[0] == "errore"]
            assert "già stati liquidati" in message
            assert "nulla è stato liquidato" in message
            with tenant_context(ente):
                determina.refresh_from_db()
                assert determina.importo_liquidato == D("1320.00")
                assert Liquidazione.objects.filter(determina=determina).count() == 1
                riga = RigaLiquidazione.objects.get(oggetto_tipo=KEY, oggetto_id=fattura.pk)
                assert riga.importo == D("1320.00")
                pagata = Fattura.objects.get(pk=fattura.pk)
                assert pagata.stato == Fattura.Stato.LIQUIDATA
                assert pagata.liquidata_il == date(2025, 5, 10)
        finally:
            with tenant_context(ente):
                from services.pai.models import Notifica

                d = created.get("determina")
                if d is not None:
                    RigaLiquidazione.objects.filter(liquidazione__determina=d).delete()
                    Liquidazione.objects.filter(determina=d).delete()
                if created.get("fattura") is not None:
                    Notifica.objects.filter(
                        link__contains=str(created["fattura"].public_id)).delete()
                    Fattura.objects.filter(pk=created["fattura"].pk).delete()
                if created.get("ricovero") is not None:
                    Ricovero.objects.filter(pk=created["ricovero"].pk).delete()
                if created.get("struttura") is not None:
                    Struttura.objects.filter(pk=created["struttura"].pk).delete()
                if created.get("contratto") is not None:
                    Contratto.objects.filter(pk=created["contratto"].pk).delete()
                if created.get("intervento") is not None:
                    Notifica.objects.filter(
                        link__contains=str(created["intervento"].public_id)).delete()
                    Intervento.objects.filter(pk=created["intervento"].pk).delete()
                if created.get("fornitore") is not None:
                    Fornitore.objects.filter(pk=created["fornitore"].pk).delete()
                if d is not None:
                    Determina.objects.filter(pk=d.pk).delete()
                if created.get("servizio") is not None:
                    created["servizio"].delete()
                if created.get("persona") is not None:
                    created["persona"].delete()
            connection.set_schema_to_public()
