"""Demo content of one comune, written through the same service functions the pages call:
people and households, contacts at the front office, case files with plans and diaries;
and of the services a zone's ufficio di piano manages itself for all its comuni (gestione
associata), in the zone's own schema.

Used by ``manage.py demo_data`` (``tenants.services.demo``); idempotent: a schema that
already has people (or services) is left as it is.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from services.accesso.models import SchedaAccesso
from services.accesso.services import scheda_close, scheda_create
from services.anagrafica.models import MembroNucleo, Persona
from services.anagrafica.services import Actor, nucleo_aggiungi, nucleo_crea, persona_create
from services.cartella.diario import voce_diario_crea
from services.cartella.models import Cartella
from services.cartella.presa_in_carico import scheda_prendi_in_carico
from services.cartella.services import cartella_apri
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


@dataclass(frozen=True)
class Luogo:
    """The comune a demo person lives in: a comune's own people live there, the people of
    the zone's services in any comune of the zone."""

    comune: str
    comune_istat: str = ""
    provincia: str = ""


def _persona(actor: Actor, rng: random.Random, luogo: Luogo, *, via: str = "",
             dal: date | None = None, **kw: Any) -> Persona:
    """A person with a valid codice fiscale and a current residence in ``luogo``: at
    ``via`` from ``dal`` when given (to share a household's address), else at a street of
    their own since coming of age."""
    p = fake_person(rng, **kw)
    dal = dal or p.birth_date + timedelta(days=365 * 18)
    return persona_create(actor=actor, cognome=p.last_name, nome=p.first_name, sesso=p.sex,
                          data_nascita=p.birth_date, codice_fiscale=p.codice_fiscale,
                          telefono=f"3{rng.randint(10, 99)} {rng.randint(1000000, 9999999)}",
                          residenza={"via": via or p.address, "comune": luogo.comune,
                                     "comune_istat": luogo.comune_istat,
                                     "provincia": luogo.provincia, "dal": dal})


def _segui_caso(worker: Actor, cartella: Cartella, *, n: int, dal: date, bisogno: str,
                obiettivo: str, diario: Sequence[tuple[str, str]] = DIARIO,
                indicatore: str = "Verifica con la persona al colloquio di revisione") -> None:
    """A case's first weeks: one to three diary entries after the first interview, and a
    plan with one goal, every other one sent to the dirigente for approval."""
    for tipo, testo in diario[1:1 + n % 3 + 1]:
        voce_diario_crea(actor=worker, cartella=cartella, tipo=tipo,
                         data=dal + timedelta(days=14), testo=testo)
    pai = pai_create(actor=worker, cartella=cartella, data_inizio=dal + timedelta(days=21),
                     sintesi_bisogno=bisogno)
    obiettivo_add(actor=worker, pai=pai, descrizione=obiettivo, indicatore=indicatore)
    if n % 2 == 0:
        pai_submit(actor=worker, pai=pai, nota="Progetto concordato con la persona")


def demo_comune_casework(*, ente: Any, sportello: Any, assistente: Any,
                         rng: random.Random, persone: int = 24) -> dict[str, int]:
    """People, households, schede and case files for one comune (call inside its
    tenant_context). Returns what was created."""
    if Persona.objects.exists():
        return {}
    comune = ente.comune
    luogo = Luogo(comune.name, comune.istat_code, comune.provincia)
    front, worker = Actor(sportello, "127.0.0.1"), Actor(assistente, "127.0.0.1")
    people = [_persona(front, rng, luogo) for _ in range(persone)]
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
        cartelle += 1
        assert presa.cartella is not None  # consent given: the case file opens
        _segui_caso(worker, presa.cartella, n=n, dal=quando.date(), bisogno=bisogno,
                    obiettivo=f"{servizio} entro tre mesi")
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

    from services.determine.services import determina_create
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
        actor=ufficio, data_adozione=min(date(anno, 1, 20), today), oggetto="Contributi economici "
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
    _periodico(worker, capo, ufficio, persona=persone[5], servizio=sostegno,
               determina=determina, dal=date(anno, 1, 1), al=date(anno, 6, 30),
               mensile=Decimal("250.00"),
               motivazione="Sostegno in attesa dell'assegno di inclusione")
    _liquida(ufficio, determina, competenza_fino_a=date(anno, 3, 1), data=date(anno, 3, 15))
    return {"domande": len(domande), "interventi": interventi + 1}


def _periodico(worker: Actor, capo: Actor, ufficio: Actor, *, persona: Persona,
               servizio: Any, determina: Any, dal: date, al: date, mensile: Any,
               motivazione: str, decidi: bool = True, **extra: Any) -> Any:
    """A periodic intervention proposed by the social worker and funded by ``determina``
    by the administrative office; the dirigente approves it (its monthly payments are
    generated) unless ``decidi`` is False, when it waits in the dirigente's queue."""
    from services.interventi.services import (
        intervento_assegna_determina,
        intervento_decide,
        intervento_propose,
    )

    intervento = intervento_propose(actor=worker, persona=persona, servizio=servizio,
                                    data_inizio=dal, data_fine=al, importo_mensile=mensile,
                                    motivazione=motivazione, **extra)
    intervento_assegna_determina(actor=ufficio, intervento=intervento, determina=determina)
    if decidi:
        intervento = intervento_decide(actor=capo, intervento=intervento, approva=True)
    return intervento


def _liquida(ufficio: Actor, determina: Any, *, competenza_fino_a: date, data: date) -> Any:
    """An atto di liquidazione paying every instalment on ``determina`` due up to
    ``competenza_fino_a``; None when nothing is due."""
    from services.determine.modalita import in_vigore, modalita_pagamento_set
    from services.determine.services import liquidazione_create
    from services.interventi.models import Pagamento

    pagamenti = list(Pagamento.objects.filter(intervento__determina=determina,
                                              competenza__lte=competenza_fino_a)
                     .select_related("intervento__persona"))
    if not pagamenti:
        return None
    # Nobody is paid without payment details: the demo's beneficiaries are paid by transfer.
    for persona in {p.intervento.persona for p in pagamenti}:
        if in_vigore(persona) is None:
            modalita_pagamento_set(actor=ufficio, persona=persona, tipo="bonifico",
                                   iban=_iban_demo(persona.pk))
    return liquidazione_create(actor=ufficio, determina=determina,
                               data=min(data, timezone.localdate()),
                               oggetti=[("interventi.pagamento", p.pk) for p in pagamenti])


def _iban_demo(n: int) -> str:
    """A well-formed Italian IBAN (check digits computed) for a demo account."""
    bban = f"X0306909606{n:012d}"
    digits = "".join(str(int(ch, 36)) for ch in bban + "IT00")
    return f"IT{98 - int(digits) % 97:02d}{bban}"


# --- gestione associata: the services the zone's ufficio di piano manages itself ----------

# Each case: how the minor followed by the zone relates to the adult they live with, the
# need and the goal of the plan. The first two and the last are foster placements (affido),
# the third gets home educational support (``demo_zona_amministrazione`` relies on this order).
CASI_ZONA = [
    (MembroNucleo.Relazione.ALTRO,
     "Minore in affido eterofamiliare su segnalazione del servizio sociale del comune",
     "Inserimento stabile nella famiglia affidataria"),
    (MembroNucleo.Relazione.ALTRO,
     "Affido eterofamiliare disposto dal Tribunale per i minorenni",
     "Incontri regolari con la famiglia d'origine in spazio neutro"),
    (MembroNucleo.Relazione.NIPOTE,
     "Minore che vive con un parente, difficoltà scolastiche e di relazione",
     "Frequenza scolastica regolare e sostegno educativo a casa"),
    (MembroNucleo.Relazione.ALTRO,
     "Richiesta di affido temporaneo: la madre è ricoverata",
     "Affido temporaneo fino al rientro a casa della madre"),
]
DIARIO_MINORI = [
    ("primo_colloquio", "Colloquio con l'assistente sociale del comune che ha segnalato il caso."),
    ("visita_domiciliare", "Visita domiciliare presso la famiglia: il minore è ben inserito."),
    ("telefonata", "Telefonata con la scuola sull'andamento scolastico del minore."),
    ("riunione_equipe", "Riunione dell'équipe zonale affidi: confermato il progetto."),
]
# The INPS codici prestazione of the zone's services. The shipped edition names none of
# them (zone/catalogo/data/FONTI.md): check the mapping against the official INPS table.
CODICE_AFFIDI, CODICE_EDUCATIVA = "A1.05", "A1.06"


def demo_zona_casework(*, assistente: Any, residenze: Sequence[Luogo],
                       rng: random.Random) -> dict[str, int]:
    """People and case files of the services the zone manages itself for all its comuni
    (call inside the zone's tenant_context): households resident in the zone's comuni in
    turn, each an adult and a minor whose case the zone's social worker opened. Idempotent:
    a zone that already has people is left as it is."""
    if Persona.objects.exists():
        return {}
    worker = Actor(assistente, "127.0.0.1")
    anno = timezone.localdate().year
    persone = 0
    for n, (relazione, bisogno, obiettivo) in enumerate(CASI_ZONA):
        luogo = residenze[n % len(residenze)]
        adulto = _persona(worker, rng, luogo, min_age=35, max_age=62)
        dal = date(anno - 1, 9, 1)
        minore = _persona(worker, rng, luogo, via=adulto.indirizzi.get().via, dal=dal,
                          min_age=4, max_age=15)
        persone += 2
        nucleo = nucleo_crea(actor=worker, intestatario=adulto, dal=dal)
        nucleo_aggiungi(actor=worker, nucleo=nucleo, persona=minore, relazione=relazione, dal=dal)
        aperta = date(anno - 1, 10, 1) + timedelta(days=14 * n)
        cartella = cartella_apri(
            actor=worker, persona=minore, area_target="famiglia_minori", data=aperta,
            motivo=f"Segnalazione del servizio sociale del comune di {luogo.comune}")
        voce_diario_crea(actor=worker, cartella=cartella, tipo=DIARIO_MINORI[0][0],
                         data=aperta, testo=DIARIO_MINORI[0][1])
        _segui_caso(worker, cartella, n=n, dal=aperta, bisogno=bisogno, obiettivo=obiettivo,
                    diario=DIARIO_MINORI,
                    indicatore="Verifica con la famiglia e la scuola al colloquio di revisione")
    return {"persone": persone, "cartelle": len(CASI_ZONA)}


def demo_zona_amministrazione(*, assistente: Any, dirigente: Any, amministrativo: Any,
                              voce_piano: Any | None) -> dict[str, int]:
    """The zone's own services mapped to the catalogue, a determina of the zone on its plan
    line, monthly contributions to foster families and home educational support approved by
    the zone's dirigente (one more proposal waits for the decision), and a liquidazione of
    the first quarter. Inside the zone's tenant_context, after ``demo_zona_casework``;
    idempotent."""
    from decimal import Decimal

    from services.determine.services import determina_create
    from services.interventi.models import Servizio
    from services.interventi.services import servizio_create
    from zone.catalogo.models import CodicePrestazione

    if Servizio.objects.exists():
        return {}
    casi = [c.persona for c in Cartella.objects.select_related("persona").order_by("id")]
    if len(casi) < len(CASI_ZONA):
        return {}
    worker, capo = Actor(assistente, "127.0.0.1"), Actor(dirigente, "127.0.0.1")
    ufficio = Actor(amministrativo, "127.0.0.1")
    codici = {c.codice: c for c in CodicePrestazione.objects.filter(
        codice__in=[CODICE_AFFIDI, CODICE_EDUCATIVA])}
    affidi = servizio_create(
        actor=capo, nome="Servizio affidi familiari", tipo="minori",
        area_target="famiglia_minori", carattere="periodico",
        codice_prestazione=codici.get(CODICE_AFFIDI))
    educativa = servizio_create(
        actor=capo, nome="Assistenza educativa domiciliare minori", tipo="minori",
        area_target="famiglia_minori", carattere="periodico",
        codice_prestazione=codici.get(CODICE_EDUCATIVA))
    anno = timezone.localdate().year
    determina = determina_create(
        actor=ufficio, data_adozione=min(date(anno, 1, 15), timezone.localdate()),
        oggetto=f"Affidi familiari ed educativa domiciliare minori {anno} in gestione associata",
        capitolo="12040", importo_impegnato=Decimal("20000.00"), servizio=affidi,
        voce_piano=voce_piano.public_id if voce_piano is not None else None)
    contributo = Decimal("400.00")
    for persona in casi[:2]:
        _periodico(worker, capo, ufficio, persona=persona, servizio=affidi, determina=determina,
                   dal=date(anno, 1, 1), al=date(anno, 12, 31), mensile=contributo,
                   motivazione="Contributo mensile alla famiglia affidataria")
    _periodico(worker, capo, ufficio, persona=casi[2], servizio=educativa, determina=determina,
               dal=date(anno, 2, 1), al=date(anno, 7, 31), mensile=Decimal("520.00"),
               ore_mensili=Decimal("20.00"),
               motivazione="Educatore a domicilio venti ore al mese: studio e relazioni")
    _periodico(worker, capo, ufficio, persona=casi[3], servizio=affidi, determina=determina,
               dal=date(anno, 7, 1), al=date(anno, 12, 31), mensile=contributo,
               motivazione="Contributo alla famiglia affidataria per l'affido temporaneo",
               decidi=False)
    _liquida(ufficio, determina, competenza_fino_a=date(anno, 3, 1), data=date(anno, 3, 20))
    return {"servizi": 2, "interventi": 4}
