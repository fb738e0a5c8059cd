"""Atti di liquidazione: within the determina's remaining amount, nothing paid twice (even
by two people at the same moment), amounts that reconcile to the cent."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from services.anagrafica.services import Actor
from services.core.errors import AlreadyExists, ValidationFailed
from services.determine import liquidabili
from services.determine.liquidabili import Voce
from services.determine.models import Determina, Liquidazione, RigaLiquidazione
from services.determine.services import (
    determina_create,
    liquidazione_annulla,
    liquidazione_create,
)
from services.interventi.models import Intervento, Pagamento
from services.interventi.services import (
    intervento_assegna_determina,
    intervento_decide,
    intervento_propose,
)
from tests.concurrency import at_once
from tests.conftest import client_for
from tests.interventi.conftest import Attori, approvato, pagabile

D = Decimal
K = "interventi.pagamento"


def _finanziato(a, persona, servizio, determina, importo="300.00", **kw):
    i = approvato(a, persona, servizio, importo, **kw)
    intervento_assegna_determina(actor=a.amministrativo, intervento=i, determina=determina)
    return i


def _rate(i):
    return [(K, p.pk) for p in i.pagamenti.order_by("competenza")]


def test_determina_numbering_and_validation(cast, a):
    d1 = determina_create(actor=a.amministrativo, data_adozione=date(2025, 2, 1), oggetto="A",
                          capitolo="10", importo_impegnato=D("100.00"))
    d2 = determina_create(actor=a.amministrativo, data_adozione=date(2025, 2, 2), oggetto="B",
                          capitolo="10", importo_impegnato=D("100.00"))
    assert (d1.esercizio, d1.numero < d2.numero) == (2025, True)
    determina_create(actor=a.amministrativo, data_adozione=date(2025, 2, 2), oggetto="C",
                     capitolo="10", importo_impegnato=D("1"), numero="DD-44")
    with pytest.raises(AlreadyExists, match="DD-44"):
        determina_create(actor=a.amministrativo, data_adozione=date(2025, 5, 2), oggetto="C",
                         capitolo="10", importo_impegnato=D("1"), numero="DD-44")
    for kw, field in [({"importo_impegnato": D("0")}, "importo_impegnato"),
                      ({"importo_impegnato": D("1.001")}, "importo_impegnato"),
                      ({"oggetto": " "}, "oggetto"), ({"capitolo": ""}, "capitolo"),
                      ({"voce_piano": "non-un-uuid"}, "voce_piano")]:
        data = {"data_adozione": date(2025, 2, 1), "oggetto": "X", "capitolo": "1",
                "importo_impegnato": D("5")} | kw
        with pytest.raises(ValidationFailed) as exc:
            determina_create(actor=a.amministrativo, **data)
        assert exc.value.field == field
    assert Determina.objects.count() == 3
    # A line of another zone's plan, or of none, is refused; a line of the zone's plan links.
    with pytest.raises(ValidationFailed, match="piano di zona del tuo ambito"):
        determina_create(actor=a.amministrativo, data_adozione=date(2025, 2, 1), oggetto="P",
                         capitolo="1", importo_impegnato=D("5"), voce_piano=str(uuid.uuid4()))
    assert Determina.objects.count() == 3
    voce = _voce_del_piano(cast)
    d = determina_create(actor=a.amministrativo, data_adozione=date(2025, 2, 1), oggetto="P",
                         capitolo="1", importo_impegnato=D("5"), voce_piano=str(voce.public_id))
    assert d.voce_piano == voce.public_id
    page = client_for(cast.by_role["amministrativo"], cast.comune_a.ente).get(
        f"/determine/{d.public_id}/").content.decode()
    assert "Piano di zona 2025-2027 · 1.1 Contributi" in page


def _voce_del_piano(cast):
    from django_tenants.utils import schema_context

    from zone.piano.models import Piano, VocePiano

    with schema_context("public"):
        piano = Piano.objects.create(zona=cast.zona, titolo="Piano di zona 2025-2027",
                                     anno_inizio=2025, anno_fine=2027)
        return VocePiano.objects.create(piano=piano, codice="1.1", descrizione="Contributi",
                                        area_target="poverta")


def test_the_registry_offers_the_approved_payments_of_the_determina(a, persona, servizio,
                                                                    determina):
    assert K in {k.key for k in liquidabili.all_kinds()}
    i = _finanziato(a, persona, servizio, determina)
    approvato(a, persona, servizio, "50.00")  # not on this determina
    [voce] = liquidabili.get(K).da_liquidare(determina=determina)
    assert (voce.importo, voce.determina_id, voce.persona_id) == (D("300.00"), determina.pk,
                                                                  persona.pk)
    assert voce.oggetto_id == i.pagamenti.get().pk


def test_liquidation_pays_and_reconciles_to_the_cent(a, persona, servizio_periodico, determina):
    i = intervento_propose(actor=a.assistente_sociale, persona=persona,
                           servizio=servizio_periodico, data_inizio=date(2025, 1, 1),
                           data_fine=date(2025, 3, 31), importo_mensile=D("33.33"))
    intervento_assegna_determina(actor=a.amministrativo, intervento=i, determina=determina)
    intervento_decide(actor=a.dirigente, intervento=i, approva=True)
    rate = _rate(i)
    l1 = liquidazione_create(actor=a.amministrativo, determina=determina, oggetti=rate[:2],
                             data=date(2025, 3, 1))
    l2 = liquidazione_create(actor=a.amministrativo, determina=determina, oggetti=rate[2:],
                             data=date(2025, 4, 1))
    determina.refresh_from_db()
    assert (l1.importo_totale, l2.importo_totale) == (D("66.66"), D("33.33"))
    assert determina.importo_liquidato == D("99.99") == i.importo_totale
    assert determina.disponibile == D("900.01")
    assert sum(r.importo for r in RigaLiquidazione.objects.all()) == D("99.99")
    assert set(i.pagamenti.values_list("stato", flat=True)) == {"liquidato"}
    i.refresh_from_db()
    assert i.stato == Intervento.Stato.IN_CORSO
    assert l1.numero != l2.numero


def test_nothing_is_paid_twice(a, persona, servizio, determina):
    i = _finanziato(a, persona, servizio, determina)
    liquidazione_create(actor=a.amministrativo, determina=determina, oggetti=_rate(i))
    with pytest.raises(ValidationFailed, match="già stati liquidati"):
        liquidazione_create(actor=a.amministrativo, determina=determina, oggetti=_rate(i))
    determina.refresh_from_db()
    assert determina.importo_liquidato == D("300.00")
    assert Liquidazione.objects.count() == 1


def test_above_the_remaining_amount_nothing_is_written(a, persona, servizio, determina):
    i1 = _finanziato(a, persona, servizio, determina, "700.00")
    liquidazione_create(actor=a.amministrativo, determina=determina, oggetti=_rate(i1))
    i2 = _finanziato(a, persona, servizio, determina, "300.00")
    # The determina is cut down behind the interventions' back (a later act reduced it).
    Determina.objects.filter(pk=determina.pk).update(importo_impegnato=D("900.00"))
    with pytest.raises(ValidationFailed) as exc:
        liquidazione_create(actor=a.amministrativo, determina=determina, oggetti=_rate(i2))
    assert "300,00 €" in str(exc.value)
    assert "200,00 €" in str(exc.value)
    determina.refresh_from_db()
    assert determina.importo_liquidato == D("700.00")
    assert i2.pagamenti.get().stato == Pagamento.Stato.DA_LIQUIDARE
    assert Liquidazione.objects.count() == 1


def test_items_of_another_determina_and_unknown_kinds_are_refused(a, persona, servizio,
                                                                  determina):
    altra = determina_create(actor=a.amministrativo, data_adozione=date(2025, 1, 2),
                             oggetto="Altro", capitolo="9", importo_impegnato=D("5000"))
    i = _finanziato(a, persona, servizio, altra)
    with pytest.raises(ValidationFailed, match="un'altra determina"):
        liquidazione_create(actor=a.amministrativo, determina=determina, oggetti=_rate(i))
    with pytest.raises(ValidationFailed, match="sconosciuto"):
        liquidazione_create(actor=a.amministrativo, determina=determina, oggetti=[("x.y", 1)])
    with pytest.raises(ValidationFailed, match="almeno un elemento"):
        liquidazione_create(actor=a.amministrativo, determina=determina, oggetti=[])
    assert not Liquidazione.objects.exists()


def test_cancelling_releases_items_and_amount(a, persona, servizio, determina):
    i = _finanziato(a, persona, servizio, determina)
    liq = liquidazione_create(actor=a.amministrativo, determina=determina, oggetti=_rate(i))
    with pytest.raises(ValidationFailed, match="motivo"):
        liquidazione_annulla(actor=a.amministrativo, liquidazione=liq, motivo="")
    liquidazione_annulla(actor=a.amministrativo, liquidazione=liq, motivo="IBAN errato")
    determina.refresh_from_db()
    assert determina.importo_liquidato == D("0.00")
    assert i.pagamenti.get().stato == Pagamento.Stato.DA_LIQUIDARE
    with pytest.raises(ValidationFailed, match="già annullato"):
        liquidazione_annulla(actor=a.amministrativo, liquidazione=liq, motivo="ancora")
    # ...and the payment can be liquidated again.
    again = liquidazione_create(actor=a.amministrativo, determina=determina, oggetti=_rate(i))
    determina.refresh_from_db()
    assert determina.importo_liquidato == again.importo_totale == D("300.00")


class _SenzaBlocco:
    """A kind that forgets to lock and re-check: the database still refuses paying twice."""

    key = "test.senzablocco"
    label = "test"

    def da_liquidare(self, *, determina):
        return []

    def blocca(self, *, ids):
        return [Voce(self.key, i, f"voce {i}", D("10.00"), None) for i in ids]

    def segna_liquidati(self, *, ids, data):
        return None


def test_the_database_is_the_last_word_against_paying_twice(a, determina):
    liquidabili.register(_SenzaBlocco())
    try:
        liquidazione_create(actor=a.amministrativo, determina=determina,
                            oggetti=[("test.senzablocco", 1)])
        with pytest.raises(ValidationFailed, match="Nulla è stato liquidato"):
            liquidazione_create(actor=a.amministrativo, determina=determina,
                                oggetti=[("test.senzablocco", 1)])
    finally:
        liquidabili._REGISTRY.pop("test.senzablocco", None)
    determina.refresh_from_db()
    assert determina.importo_liquidato == D("10.00")
    assert Liquidazione.objects.count() == 1


# --- two people, the same payment, the same moment ------------------------------------------


def test_two_people_liquidating_the_same_payment_at_once(django_db_setup, django_db_blocker):
    """Two real connections (threads) committed for real: exactly one succeeds, the other
    gets a clean message, the payment is paid once and the determina counts it once."""
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
                servizio = servizio_create(actor=dirigente, nome=f"Gara {tag}", tipo="economica",
                                           area_target="poverta", carattere="occasionale")
                persona = new_persona(Actor(cast.by_role["assistente_sociale"]))
                pagabile(Attori(amministrativo=amm), persona)
                determina = determina_create(actor=amm, data_adozione=date(2025, 1, 2),
                                             oggetto=f"Gara {tag}", capitolo="1",
                                             importo_impegnato=D("500.00"), numero=f"G-{tag}")
                i = intervento_propose(actor=Actor(cast.by_role["assistente_sociale"]),
                                       persona=persona, servizio=servizio,
                                       data_inizio=date(2025, 2, 1), importo_totale=D("400.00"))
                intervento_assegna_determina(actor=amm, intervento=i, determina=determina)
                intervento_decide(actor=dirigente, intervento=i, approva=True)
                pagamento = i.pagamenti.get()
                created.update(servizio=servizio, persona=persona, determina=determina,
                               intervento=i)

            def liquida(who: str):
                return lambda: liquidazione_create(
                    actor=Actor(cast.by_role[who]), determina=determina,
                    oggetti=[(K, pagamento.pk)], data=date(2025, 3, 1)).pk

            results = list(at_once(ente, {w: liquida(w) for w in ("amministrativo",
                                                                    "dirigente")}).values())
            assert sorted(r[0] for r in results) == ["errore", "ok"], results
            [(_k, message)] = [r for r in results if r[0] == "errore"]
            assert "già stati liquidati" in message
            with tenant_context(ente):
                determina.refresh_from_db()
                assert determina.importo_liquidato == D("400.00")
                assert RigaLiquidazione.objects.filter(oggetto_tipo=K,
                                                       oggetto_id=pagamento.pk).count() == 1
                assert Pagamento.objects.get(pk=pagamento.pk).stato == "liquidato"
        finally:
            with tenant_context(ente):
                d = created.get("determina")
                if d is not None:
                    RigaLiquidazione.objects.filter(liquidazione__determina=d).delete()
                    Liquidazione.objects.filter(determina=d).delete()
                if created.get("intervento") is not None:
                    from services.pai.models import Notifica

                    Notifica.objects.filter(
                        link__contains=str(created["intervento"].public_id)).delete()
                    Pagamento.objects.filter(intervento=created["intervento"]).delete()
                    Intervento.objects.filter(pk=created["intervento"].pk).delete()
                if d is not None:
                    Determina.objects.filter(pk=d.pk).delete()
                if created.get("servizio") is not None:
                    created["servizio"].delete()
                if created.get("persona") is not None:
                    from services.determine.models import ModalitaPagamento

                    ModalitaPagamento.objects.filter(persona=created["persona"]).delete()
                    created["persona"].delete()
            connection.set_schema_to_public()
