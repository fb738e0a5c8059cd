"""Nobody is paid without payment details: a person (beneficiary or delegate) has a payment
method — a bank transfer to an IBAN checked with its check digits, cash, quietanza, or a
delegate who has a method of their own — printed on the atto di liquidazione and its lines;
a liquidazione with a line to a person without one is refused, with nothing written."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django_tenants.utils import tenant_context

from services.core.errors import ValidationFailed
from services.determine.modalita import in_vigore, modalita_pagamento_set
from services.determine.models import Liquidazione, ModalitaPagamento
from services.determine.services import liquidazione_create
from services.interventi.models import Pagamento
from services.interventi.services import intervento_assegna_determina
from tests.cartella.conftest import new_persona
from tests.conftest import client_for
from tests.interventi.conftest import IBAN, approvato

K = "interventi.pagamento"


@pytest.mark.parametrize(("iban", "why"), [
    ("IT60X0542811101000000123457", "check digits"),
    ("IT60X054281110100000012345", "an Italian IBAN has 27 characters"),
    ("IT6", "too short"),
])
def test_a_bad_iban_is_refused(a, iban, why):
    p = new_persona(a.assistente_sociale)
    with pytest.raises(ValidationFailed, match="IBAN") as exc:
        modalita_pagamento_set(actor=a.amministrativo, persona=p, tipo="bonifico", iban=iban)
    assert exc.value.field == "iban", why
    assert not ModalitaPagamento.objects.filter(persona=p).exists()


def test_a_new_method_replaces_the_old_one_which_stays_in_the_history(a):
    p = new_persona(a.assistente_sociale)
    modalita_pagamento_set(actor=a.amministrativo, persona=p, tipo="bonifico",
                           iban="it60 x054 2811 1010 0000 0123 456")
    assert in_vigore(p).iban == IBAN  # normalised
    modalita_pagamento_set(actor=a.amministrativo, persona=p, tipo="contanti")
    assert in_vigore(p).tipo == "contanti"
    assert ModalitaPagamento.objects.filter(persona=p).count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        ModalitaPagamento.objects.create(persona=p, tipo="quietanza")  # two in force


def test_a_delegate_needs_a_method_of_their_own(a):
    p, delegato = new_persona(a.assistente_sociale), new_persona(a.assistente_sociale)
    with pytest.raises(ValidationFailed, match="non ha una modalità") as exc:
        modalita_pagamento_set(actor=a.amministrativo, persona=p, tipo="delegato",
                               delegato=delegato)
    assert exc.value.field == "delegato"
    with pytest.raises(ValidationFailed, match="un'altra persona"):
        modalita_pagamento_set(actor=a.amministrativo, persona=p, tipo="delegato", delegato=p)
    modalita_pagamento_set(actor=a.amministrativo, persona=delegato, tipo="quietanza")
    m = modalita_pagamento_set(actor=a.amministrativo, persona=p, tipo="delegato",
                               delegato=delegato)
    assert delegato.nome_completo in m.descrizione


@pytest.fixture
def da_pagare(a, servizio, determina):
    senza = new_persona(a.assistente_sociale)
    i = approvato(a, senza, servizio, "300.00")
    intervento_assegna_determina(actor=a.amministrativo, intervento=i, determina=determina)
    return senza, i.pagamenti.get()


def test_a_person_without_a_payment_method_is_not_paid(a, determina, da_pagare):
    senza, pagamento = da_pagare
    with pytest.raises(ValidationFailed, match="Senza modalità di pagamento") as exc:
        liquidazione_create(actor=a.amministrativo, determina=determina,
                            oggetti=[(K, pagamento.pk)], data=date(2025, 4, 1))
    assert senza.nome_completo in str(exc.value)
    assert not Liquidazione.objects.exists()
    pagamento.refresh_from_db()
    assert pagamento.stato == Pagamento.Stato.DA_LIQUIDARE
    determina.refresh_from_db()
    assert determina.importo_liquidato == 0


def test_the_method_is_on_the_act_and_its_lines(cast, a, determina, da_pagare):
    senza, pagamento = da_pagare
    delegato = new_persona(a.assistente_sociale)
    modalita_pagamento_set(actor=a.amministrativo, persona=delegato, tipo="bonifico", iban=IBAN,
                           intestatario="Figlia")
    modalita_pagamento_set(actor=a.amministrativo, persona=senza, tipo="delegato",
                           delegato=delegato)
    liq = liquidazione_create(actor=a.amministrativo, determina=determina,
                              oggetti=[(K, pagamento.pk)], data=date(2025, 4, 1))
    riga = liq.righe.get()
    assert delegato.nome_completo in riga.modalita_pagamento
    assert IBAN in riga.modalita_pagamento
    # Changing the method later does not rewrite the act.
    modalita_pagamento_set(actor=a.amministrativo, persona=senza, tipo="contanti")
    riga.refresh_from_db()
    assert IBAN in riga.modalita_pagamento
    c = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    page = c.get(f"/determine/liquidazioni/{liq.public_id}/").content.decode()
    assert IBAN in page
    assert delegato.nome_completo in page
    connection.set_schema_to_public()


def test_the_office_records_a_method_on_its_page(cast, a):
    p = new_persona(a.assistente_sociale)
    c = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    url = f"/determine/persone/{p.public_id}/modalita-pagamento/"
    assert "Nessuna modalità di pagamento" in c.get(url).content.decode()
    r = c.post(url, {"tipo": "bonifico", "iban": "IT60X0542811101000000123450"})
    assert r.status_code == 400
    assert "non è valido" in r.content.decode()
    assert c.post(url, {"tipo": "bonifico", "iban": IBAN}).status_code == 302
    with tenant_context(cast.comune_a.ente):
        assert in_vigore(p).iban == IBAN
    for user in (cast.outsider, cast.by_role["educatore"]):
        assert client_for(user, cast.comune_a.ente).get(url).status_code in (403, 404)
    connection.set_schema_to_public()
