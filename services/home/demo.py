"""Demo content of one comune, written through the same service functions the pages call:
people and households, contacts at the front office, case files with plans and diaries.

Used by ``manage.py demo_data`` (``tenants.services.demo``); idempotent: a comune that
already has people is left as it is.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from services.accesso.models import SchedaAccesso
from services.accesso.services import scheda_close, scheda_create
from services.anagrafica.models import MembroNucleo, Persona
from services.anagrafica.services import Actor, nucleo_aggiungi, nucleo_crea, persona_create
from services.cartella.diario import voce_diario_crea
from services.cartella.presa_in_carico import scheda_prendi_in_carico
from services.core.italian_data import fake_person
from services.pai.services import obiettivo_add, pai_create, pai_submit

ROME = ZoneInfo("Europe/Rome")

BISOGNI = [
    ("Non riesce a pagare l'affitto da tre mesi", "Contributo per l'affitto", "poverta"),
    ("Anziana sola, non più autonoma nell'igiene personale", "Assistenza domiciliare", "anziani"),
    ("Figlio con disabilità, chiede supporto educativo", "Educativa domiciliare", "disabili"),
    ("Madre sola con due minori, ha perso il lavoro", "Contributo economico", "famiglia_minori"),
    ("Cerca un alloggio dopo lo sfratto", "Emergenza abitativa", "poverta"),
    ("Richiesta di inserimento in RSA per il padre", "Ricovero in struttura", "anziani"),
]
DIARIO = [
    ("primo_colloquio", "Primo colloquio in ufficio: ricostruita la situazione familiare."),
    ("visita_domiciliare", "Visita domiciliare: abitazione in ordine, riscaldamento guasto."),
    ("telefonata", "Telefonata con il medico di base per il quadro sanitario."),
    ("riunione_equipe", "Riunione d'équipe: concordato il progetto con il centro per l'impiego."),
]


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=ROME)


def _persona(actor: Actor, rng: random.Random, comune: str, **kw: Any) -> Persona:
    p = fake_person(rng, **kw)
    return persona_create(actor=actor, cognome=p.last_name, nome=p.first_name, sesso=p.sex,
                          data_nascita=p.birth_date, codice_fiscale=p.codice_fiscale,
                          telefono=f"3{rng.randint(10, 99)} {rng.randint(1000000, 9999999)}",
                          residenza={"via": p.address, "comune": comune,
                                     "dal": p.birth_date + timedelta(days=365 * 18)})


def demo_comune_casework(*, ente: Any, sportello: Any, assistente: Any,
                         rng: random.Random, persone: int = 24) -> dict[str, int]:
    """People, households, schede and case files for one comune (call inside its
    tenant_context). Returns what was created."""
    if Persona.objects.exists():
        return {}
    comune = ente.name
    front, worker = Actor(sportello, "127.0.0.1"), Actor(assistente, "127.0.0.1")
    people = [_persona(front, rng, comune) for _ in range(persone)]
    # Households of two or three: a head, a partner, sometimes a child.
    for i in range(0, len(people) - 2, 3):
        head = people[i]
        nucleo = nucleo_crea(actor=front, intestatario=head, dal=date(2020, 1, 1))
        nucleo_aggiungi(actor=front, nucleo=nucleo, persona=people[i + 1],
                        relazione=MembroNucleo.Relazione.CONIUGE, dal=date(2020, 1, 1))
    today = timezone.localdate()
    cartelle = 0
    for n, (bisogno, servizio, area) in enumerate(BISOGNI):
        utente = people[n * 3]
        quando = _at(today - timedelta(days=120 - n * 15), 9 + n)
        scheda = scheda_create(actor=front, interlocutore_tipo=SchedaAccesso.Interlocutore.UTENTE,
                               canale=SchedaAccesso.Canale.PERSONA, data=quando, utente=utente,
                               consenso="concesso", bisogno_espresso=bisogno,
                               servizio_richiesto=servizio)
        scheda_close(actor=front, scheda=scheda, esito=SchedaAccesso.Esito.INOLTRO_AS)
        if n >= 4:  # the last two wait for the social worker's review
            continue
        presa = scheda_prendi_in_carico(actor=worker, scheda=scheda, area_target=area,
                                        data=quando.date() + timedelta(days=7),
                                        colloquio=DIARIO[0][1])
        cartella = presa.cartella
        cartelle += 1
        for tipo, testo in DIARIO[1:1 + n % 3 + 1]:
            voce_diario_crea(actor=worker, cartella=cartella, tipo=tipo,
                             data=quando.date() + timedelta(days=14), testo=testo)
        pai = pai_create(actor=worker, cartella=cartella,
                         data_inizio=quando.date() + timedelta(days=21),
                         sintesi_bisogno=bisogno)
        obiettivo_add(actor=worker, pai=pai, descrizione=f"{servizio} entro tre mesi",
                      indicatore="Verifica con la persona al colloquio di revisione")
        if n % 2 == 0:
            pai_submit(actor=worker, pai=pai, nota="Progetto concordato con la persona")
    # A few contacts closed with information only.
    for utente in people[-3:]:
        scheda = scheda_create(actor=front, interlocutore_tipo=SchedaAccesso.Interlocutore.UTENTE,
                               canale=SchedaAccesso.Canale.TELEFONO,
                               data=_at(today - timedelta(days=rng.randint(1, 30)), 11),
                               utente=utente, consenso="concesso",
                               bisogno_espresso="Informazioni sul bonus energia")
        scheda_close(actor=front, scheda=scheda, esito=SchedaAccesso.Esito.INFORMAZIONI,
                     motivo="Indicati requisiti e documenti per il bonus")
    return {"persone": len(people), "cartelle": cartelle}


def demo_comune_amministrazione(*, ente: Any, assistente: Any, dirigente: Any,
                                amministrativo: Any, voce_piano: Any | None,
                                rng: random.Random) -> dict[str, int]:
    """Services, applications, interventions, a determina on the zone plan and a
    liquidazione for one comune (inside its tenant_context). Idempotent."""
    from decimal import Decimal

    from services.determine.services import determina_create, liquidazione_create
    from services.domande.services import domanda_create, domande_assegna
    from services.interventi.models import Servizio
    from services.interventi.services import (
        intervento_assegna_determina,
        intervento_decide,
        intervento_propose,
        servizio_create,
    )
    from zone.catalogo.models import CodicePrestazione

    if Servizio.objects.exists():
        return {}
    worker, capo = Actor(assistente, "127.0.0.1"), Actor(dirigente, "127.0.0.1")
    ufficio = Actor(amministrativo, "127.0.0.1")
    codici = {c.codice: c for c in CodicePrestazione.objects.filter(codice__in=["A1.02", "A1.04"])}
    contributo = servizio_create(
        actor=capo, nome="Contributo economico straordinario", tipo="economica",
        area_target="poverta", carattere="occasionale", prova_mezzi=1,
        codice_prestazione=codici.get("A1.02"), soglia_isee=Decimal("9000.00"),
        campi_domanda=["importo_richiesto", "dsu_protocollo", "dsu_anno", "dsu_data",
                       "isee_valore", "isee_tipo"])
    sostegno = servizio_create(
        actor=capo, nome="Sostegno economico mensile", tipo="economica", area_target="poverta",
        carattere="periodico", prova_mezzi=1, codice_prestazione=codici.get("A1.04"))
    today = timezone.localdate()
    anno = today.year
    determina = determina_create(
        actor=ufficio, data_adozione=date(anno, 1, 20), oggetto="Contributi economici "
        f"{anno}", capitolo="11040", importo_impegnato=Decimal("25000.00"), servizio=contributo,
        voce_piano=voce_piano.public_id if voce_piano is not None else None)
    persone = list(Persona.objects.order_by("id")[:8])
    domande = []
    for n, persona in enumerate(persone[:5]):
        domande.append(domanda_create(
            actor=ufficio, persona=persona, servizio=contributo,
            numero_protocollo=str(1200 + n), data_protocollo=date(anno, 2, 1 + n),
            importo_richiesto=Decimal(rng.choice(["300.00", "450.00", "600.00"])),
            oggetto="Richiesta di contributo per utenze e affitto"))
    domande_assegna(actor=ufficio, domande=domande[:3], operatore_id=assistente.pk)
    interventi = 0
    for n, domanda in enumerate(domande[:3]):
        intervento = intervento_propose(
            actor=worker, persona=domanda.persona, servizio=contributo, domanda=domanda,
            data_inizio=date(anno, 3, 1 + n), importo_totale=domanda.importo_richiesto,
            motivazione="Morosità sulle utenze, nucleo monoreddito")
        intervento_assegna_determina(actor=ufficio, intervento=intervento, determina=determina)
        if n < 2:
            intervento_decide(actor=capo, intervento=intervento, approva=True)
        interventi += 1
    mensile = intervento_propose(
        actor=worker, persona=persone[5], servizio=sostegno, data_inizio=date(anno, 1, 1),
        data_fine=date(anno, 6, 30), importo_mensile=Decimal("250.00"),
        motivazione="Sostegno in attesa dell'assegno di inclusione")
    intervento_assegna_determina(actor=ufficio, intervento=mensile, determina=determina)
    intervento_decide(actor=capo, intervento=mensile, approva=True)
    from services.interventi.models import Pagamento

    da_pagare = list(Pagamento.objects.filter(intervento__determina=determina,
                                              competenza__lte=date(anno, 3, 1))
                     .values_list("pk", flat=True))
    if da_pagare:
        liquidazione_create(actor=ufficio, determina=determina, data=date(anno, 3, 15),
                            oggetti=[("interventi.pagamento", pk) for pk in da_pagare])
    return {"domande": len(domande), "interventi": interventi + 1}
