"""Two comuni with interventions, payments, determine and applications of people whose
names, codici fiscali and notes are known, so the tests can look for them in the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from services.anagrafica.models import Persona
from services.anagrafica.services import Actor
from services.determine.models import Determina, Liquidazione, RigaLiquidazione
from services.domande.models import Domanda
from services.interventi.models import Intervento, Pagamento, Servizio
from tests.cartella.conftest import new_persona
from zone.catalogo.models import CodicePrestazione, Edizione

NOTA = "Nota riservata: vive con la figlia, problemi di alcol"


@dataclass
class Dati:
    persone: list[Persona] = field(default_factory=list)
    segreti: set[str] = field(default_factory=set)  # names, CFs, free texts
    interventi: dict[str, Intervento] = field(default_factory=dict)


def _servizio(nome: str, codice: CodicePrestazione, area: str) -> Servizio:
    return Servizio.objects.create(nome=nome, tipo="economica", codice_prestazione=codice,
                                   area_target=area, carattere="periodico")


def _intervento(persona: Persona, servizio: Servizio, stato: str, inizio: date,
                importo: str, dati: Dati) -> Intervento:
    testo = f"{NOTA} — {persona.nome} {persona.cognome}"
    dati.segreti.add(testo)
    return Intervento.objects.create(
        persona=persona, servizio=servizio, stato=stato, tipo=servizio.tipo,
        carattere=servizio.carattere, area_target=servizio.area_target, proposto_il=inizio,
        deciso_il=inizio if stato != "proposto" else None, data_inizio=inizio,
        importo_totale=Decimal(importo), note=testo, motivazione_proposta=testo,
        proposto_da_label="assistente@perugia.test",
    )


def _paga(determina: Determina, numero: str, righe: list[tuple[object, str]], dati: Dati) -> None:
    """righe: (Pagamento or None for an invoice, importo)."""
    totale = sum(Decimal(i) for _, i in righe)
    liq = Liquidazione.objects.create(numero=numero, esercizio=2025, data=date(2025, 6, 30),
                                      determina=determina, importo_totale=totale,
                                      note="Liquidazione a Mario Rossi")
    for oggetto, importo in righe:
        if isinstance(oggetto, Pagamento):
            descr = f"Rata a {oggetto.intervento.persona.cognome}"
            RigaLiquidazione.objects.create(
                liquidazione=liq, oggetto_tipo="interventi.pagamento", oggetto_id=oggetto.pk,
                descrizione=descr, persona_id=oggetto.intervento.persona_id,
                importo=Decimal(importo))
            oggetto.stato = Pagamento.Stato.LIQUIDATO
            oggetto.save(update_fields=["stato"])
        else:
            descr = "Fattura della cooperativa Il Sole per Bianchi Anna"
            RigaLiquidazione.objects.create(
                liquidazione=liq, oggetto_tipo="fornitori.fattura", oggetto_id=990 + len(descr),
                descrizione=descr, importo=Decimal(importo))
        dati.segreti.add(descr)
    Determina.objects.filter(pk=determina.pk).update(importo_liquidato=totale)


@pytest.fixture
def dati(cast) -> Dati:
    ed = Edizione.objects.create(tipo="inps", codice="2025", titolo="Codici INPS",
                                 in_vigore_dal=date(2025, 1, 1))
    contributo = CodicePrestazione.objects.create(codice="A1.04.01", nome="Contributo economico",
                                                  introdotto_in=ed)
    sad = CodicePrestazione.objects.create(codice="A2.01.02", nome="Assistenza domiciliare",
                                           introdotto_in=ed)
    d = Dati()
    with tenant_context(cast.comune_a.ente):
        actor = Actor(cast.by_role["assistente_sociale"], "10.1.1.1")
        p1, p2, p3 = (new_persona(actor) for _ in range(3))
        s1 = _servizio("Contributo al reddito", contributo, "poverta")
        s2 = _servizio("SAD anziani", sad, "anziani")
        d.interventi["a1"] = i1 = _intervento(p1, s1, "in_corso", date(2025, 3, 1), "1200.00", d)
        d.interventi["a2"] = _intervento(p2, s2, "approvato", date(2025, 4, 10), "800.00", d)
        d.interventi["a3"] = _intervento(p3, s1, "annullato", date(2025, 2, 1), "300.00", d)
        d.interventi["a4"] = _intervento(p1, s2, "concluso", date(2025, 1, 15), "150.00", d)
        det = Determina.objects.create(numero="12", data_adozione=date(2025, 1, 20), esercizio=2025,
                                       oggetto=f"Contributo a {p1.nome} {p1.cognome}",
                                       capitolo="1100", importo_impegnato=Decimal("5000.00"),
                                       servizio=s1, note=NOTA)
        d.segreti.add(det.oggetto)
        r1 = Pagamento.objects.create(intervento=i1, competenza=date(2025, 3, 1),
                                      importo=Decimal("300.00"))
        r2 = Pagamento.objects.create(intervento=i1, competenza=date(2025, 4, 1),
                                      importo=Decimal("300.00"))
        _paga(det, "L1", [(r1, "300.00"), (r2, "300.00"), (None, "1234.56")], d)
        Domanda.objects.create(numero_protocollo="P-1", data_protocollo=date(2025, 1, 10),
                               persona=p2, servizio=s2, note=NOTA, motivazione_esito=NOTA)
        Domanda.objects.create(numero_protocollo="P-2", data_protocollo=date(2025, 1, 11),
                               persona=p3, servizio=s1, stato="accolta", esito_il=date(2025, 2, 1))
        d.persone += [p1, p2, p3]
    with tenant_context(cast.comune_b.ente):
        actor_b = Actor(cast.outsider, "10.2.2.2")
        # The same person as p1 (same codice fiscale), followed by Assisi too.
        q1 = Persona.objects.create(cognome=p1.cognome, nome=p1.nome, sesso=p1.sesso,
                                    data_nascita=p1.data_nascita, codice_fiscale=p1.codice_fiscale)
        q2 = new_persona(actor_b)
        sb = _servizio("Contributo economico straordinario", contributo, "poverta")
        d.interventi["b1"] = ib = _intervento(q1, sb, "in_corso", date(2025, 5, 1), "450.10", d)
        d.interventi["b2"] = _intervento(q2, sb, "in_corso", date(2025, 5, 3), "99.99", d)
        detb = Determina.objects.create(numero="7", data_adozione=date(2025, 2, 1), esercizio=2025,
                                        oggetto="Contributi straordinari", capitolo="1100",
                                        importo_impegnato=Decimal("1000.00"), servizio=sb)
        rb = Pagamento.objects.create(intervento=ib, competenza=date(2025, 5, 1),
                                      importo=Decimal("450.10"))
        _paga(detb, "L7", [(rb, "450.10")], d)
        Domanda.objects.create(numero_protocollo="B-1", data_protocollo=date(2025, 3, 1),
                               persona=q2, servizio=sb, stato="istruttoria", note=NOTA)
        d.persone += [q1, q2]
    for p in d.persone:
        d.segreti |= {p.nome, p.cognome, p.codice_fiscale}
    d.segreti.add(NOTA)
    return d
