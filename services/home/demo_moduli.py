"""Demo content of the other modules of a comune, through the apps' own service functions
(so the demo runs the real rules): the front office's resources of the territory, providers
with their contracts, home care with planned and worked hours, a placement with presences,
the providers' invoices (one checked, one waiting for the dirigente), socially useful work
(LSU) with its pay, the assegni di maternità and al nucleo, a proceeding of the Tribunale per
i minorenni with next week's hearing, a referral to a specialist team, a PAI in force with
its review due; and, across the zone, case files handed from one comune to the next.

Dates of acts (determine, invoices, declarations) are in the past, counted back from today.
Idempotent: every module that already has content in the schema is left as it is.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from services.anagrafica.models import Persona
from services.anagrafica.services import Actor
from services.cartella.models import Cartella

from .demo import ROME, Luogo, _persona

D = Decimal


@dataclass(frozen=True)
class Squadra:
    """Who does what in a comune's demo: the social worker, the dirigente, the
    administrative officer, and the members of the specialist team (Empoli has an educator
    and a psychologist; elsewhere the social worker's dirigente)."""

    assistente: Any
    dirigente: Any
    amministrativo: Any
    equipe: Sequence[Any]

    def actor(self, user: Any) -> Actor:
        return Actor(user, "127.0.0.1")


def _primo(giorno: date) -> date:
    return giorno.replace(day=1)


def _mese_prima(mese: date) -> date:
    return _primo(mese - timedelta(days=1))


def _giorni(mese: date) -> int:
    return ((mese + timedelta(days=32)).replace(day=1) - mese).days


def _piva(seed: int) -> str:
    """A valid partita IVA (Luhn check digit) from ten digits of ``seed``."""
    body = f"{seed:010d}"[-10:]
    total = 0
    for i, ch in enumerate(body):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


def _iban(n: int) -> str:
    """A well-formed Italian IBAN (check digits computed) for a demo provider."""
    bban = f"X0306909606{n:012d}"
    digits = "".join(str(int(ch, 36)) for ch in bban + "IT00")
    return f"IT{98 - int(digits) % 97:02d}{bban}"


def demo_comune_moduli(*, ente: Any, squadra: Squadra, rng: random.Random) -> dict[str, int]:
    """Content in every module of one comune (inside its tenant_context, after its case work
    and administration). Returns how many modules got content now."""
    comune = ente.comune
    luogo = Luogo(comune.name, comune.istat_code, comune.provincia)
    seed = int(comune.istat_code)
    fatti = 0
    for step in (_risorse, _fornitori, _lsu, _assegni, _tribunale, _invii, _verifiche_pai):
        fatti += bool(step(squadra, luogo, rng, seed))
    return {"moduli": fatti}


# --- front office ---------------------------------------------------------------------------

RISORSE = [
    ("Centro per l'impiego", "lavoro", "poverta", "Iscrizione, orientamento, offerte di lavoro",
     "Regione Toscana - ARTI", "lunedì-venerdì 9-12"),
    ("Emporio solidale", "terzo_settore", "poverta", "Spesa gratuita con la tessera a punti",
     "Caritas diocesana", "martedì e giovedì 15-18"),
    ("Consultorio familiare", "sanitario", "famiglia_minori",
     "Sostegno alla genitorialità, ginecologia, psicologia", "Azienda USL Toscana centro",
     "lunedì-venerdì 8-14"),
    ("Centro diurno per anziani", "cooperativa", "anziani",
     "Accoglienza diurna, pasti e animazione", "Cooperativa sociale Il Ponte", "8-18"),
]


def _risorse(squadra: Squadra, luogo: Luogo, rng: random.Random, seed: int) -> bool:
    from services.accesso.models import Risorsa
    from services.accesso.risorse import risorsa_create

    if Risorsa.objects.exists():
        return False
    actor = squadra.actor(squadra.assistente)
    for nome, tipo, area, descrizione, gestore, orari in RISORSE:
        risorsa_create(actor=actor, nome=f"{nome} di {luogo.comune}", tipo=tipo,
                       area_target=area, descrizione=descrizione, ente_gestore=gestore,
                       telefono=f"0571 {rng.randint(100000, 999999)}", orari=orari)
    return True


# --- providers, home care, placements, invoices ------------------------------------------------


def _approvato(squadra: Squadra, *, persona: Persona, servizio: Any, dal: date,
               mensile: Decimal, motivazione: str, **extra: Any) -> Any:
    """A periodic intervention proposed by the social worker and approved by the dirigente;
    with no end date yet, it owes the person nothing: the provider is paid on its invoices."""
    from services.interventi.services import intervento_decide, intervento_propose

    intervento = intervento_propose(actor=squadra.actor(squadra.assistente), persona=persona,
                                    servizio=servizio, data_inizio=dal, importo_mensile=mensile,
                                    motivazione=motivazione, **extra)
    return intervento_decide(actor=squadra.actor(squadra.dirigente), intervento=intervento,
                             approva=True)


def _fornitori(squadra: Squadra, luogo: Luogo, rng: random.Random, seed: int) -> bool:
    """A cooperative for home care and a structure for placements, their contracts on a
    determina; an elderly person with a home-care plan and two monthly statements, another
    placed in the structure with the presences of two months; the structure's invoice and
    the cooperative's first one match the records (checked), the cooperative's second bills
    more hours than worked (waiting for the dirigente)."""
    from services.determine.services import determina_create
    from services.domiciliare.services import piano_create, rendiconto_registra
    from services.fornitori.models import Fornitore
    from services.fornitori.services import (
        RigaInput,
        contratto_create,
        fattura_create,
        fornitore_create,
    )
    from services.interventi.services import servizio_create
    from services.ricoveri.services import presenze_registra, ricovero_autorizza, struttura_create

    if Fornitore.objects.exists():
        return False
    ufficio, capo = squadra.actor(squadra.amministrativo), squadra.actor(squadra.dirigente)
    oggi = timezone.localdate()
    mese_scorso = _mese_prima(_primo(oggi))
    due_mesi_fa = _mese_prima(mese_scorso)
    inizio = _primo(oggi - timedelta(days=150))  # contracts for a year from here
    fine = inizio.replace(year=inizio.year + 1) - timedelta(days=1)
    sad = servizio_create(actor=capo, nome="Assistenza domiciliare anziani", tipo="domiciliare",
                          area_target="anziani", carattere="periodico")
    rsa = servizio_create(actor=capo, nome="Ricovero in RSA", tipo="ricovero",
                          area_target="anziani", carattere="periodico")
    determina = determina_create(
        actor=ufficio, data_adozione=oggi - timedelta(days=160),
        oggetto="Affidamento dell'assistenza domiciliare e dei ricoveri in RSA", capitolo="12030",
        importo_impegnato=D("60000.00"), servizio=sad)
    coop = fornitore_create(actor=ufficio, ragione_sociale="Cooperativa sociale Il Girasole",
                            tipo="cooperativa", codice_fiscale=_piva(seed * 7919),
                            pec=f"girasole.{seed}@pec.example.it", iban=_iban(seed * 10 + 1),
                            indirizzo=f"Via Roma 12, {luogo.comune}")
    gestore = fornitore_create(actor=ufficio, ragione_sociale="Opera Pia San Martino",
                               tipo="struttura", codice_fiscale=_piva(seed * 104729),
                               iban=_iban(seed * 10 + 2),
                               indirizzo=f"Piazza San Martino 3, {luogo.comune}")
    tariffa_oraria, tariffa_giornaliera, quota_utente = D("21.50"), D("85.00"), D("15.00")
    contratto_sad = contratto_create(
        actor=ufficio, fornitore=coop, servizio=sad, numero=f"SAD-{inizio.year}", dal=inizio,
        al=fine, determina=determina, tariffa_oraria=tariffa_oraria, ore_massime=D("1500"),
        importo_massimo=D("30000.00"))
    contratto_rsa = contratto_create(
        actor=ufficio, fornitore=gestore, servizio=rsa, numero=f"RSA-{inizio.year}", dal=inizio,
        al=fine, determina=determina, tariffa_giornaliera=tariffa_giornaliera, posti_massimi=4,
        importo_massimo=D("25000.00"))

    assistita = _persona(ufficio, rng, luogo, min_age=78, max_age=92)
    domiciliare = _approvato(squadra, persona=assistita, servizio=sad, dal=due_mesi_fa,
                             mensile=D("430.00"), ore_mensili=D("20.00"),
                             motivazione="Non più autonoma nell'igiene e nei pasti: venti ore "
                             "al mese di assistenza a domicilio")
    piano = piano_create(actor=ufficio, intervento=domiciliare, contratto=contratto_sad,
                         ore_mensili=D("20"), dal=due_mesi_fa,
                         note="Igiene personale e preparazione dei pasti, lunedì-venerdì")
    lavorate = {due_mesi_fa: D("20"), mese_scorso: D("18")}
    for mese, ore in lavorate.items():
        rendiconto_registra(actor=ufficio, contratto=contratto_sad, mese=mese,
                            ricevuto_il=min(mese + timedelta(days=_giorni(mese) + 2), oggi),
                            ore={piano: ore})

    ospite = _persona(ufficio, rng, luogo, min_age=80, max_age=95)
    ricovero_intervento = _approvato(
        squadra, persona=ospite, servizio=rsa, dal=due_mesi_fa,
        mensile=(tariffa_giornaliera - quota_utente) * 30,
        motivazione="Non autosufficiente, vive solo: inserimento in RSA")
    struttura = struttura_create(actor=ufficio, fornitore=gestore, nome="RSA San Martino",
                                 posti=40, indirizzo=f"Piazza San Martino 3, {luogo.comune}")
    ricovero = ricovero_autorizza(actor=ufficio, intervento=ricovero_intervento,
                                  struttura=struttura, contratto=contratto_rsa, dal=due_mesi_fa,
                                  quota_utente=quota_utente)
    presenti = {due_mesi_fa: _giorni(due_mesi_fa), mese_scorso: _giorni(mese_scorso) - 3}
    for mese, giorni in presenti.items():
        presenze_registra(actor=ufficio, ricovero=ricovero, mese=mese, giorni=giorni)

    def fattura(contratto: Any, numero: str, mese: date, riga: RigaInput) -> Any:
        return fattura_create(actor=ufficio, contratto=contratto, numero=numero,
                              data=min(mese + timedelta(days=_giorni(mese) + 4), oggi),
                              competenza=mese, importo_totale=riga.importo, righe=[riga])

    presenti_rsa = D(presenti[due_mesi_fa])
    fattura(contratto_rsa, f"{seed % 100}/RSA", due_mesi_fa,
            RigaInput(intervento=ricovero_intervento, quantita=presenti_rsa,
                      importo=presenti_rsa * (tariffa_giornaliera - quota_utente),
                      tariffa=tariffa_giornaliera))
    fattura(contratto_sad, f"{seed % 100}/SAD-1", due_mesi_fa,
            RigaInput(intervento=domiciliare, quantita=D("20"), importo=D("20") * tariffa_oraria,
                      tariffa=tariffa_oraria))
    # Two hours more than the cooperative's own statement: the check stops it.
    fattura(contratto_sad, f"{seed % 100}/SAD-2", mese_scorso,
            RigaInput(intervento=domiciliare, quantita=D("20"), importo=D("20") * tariffa_oraria,
                      tariffa=tariffa_oraria))
    return True


# --- socially useful work -------------------------------------------------------------------


def _lsu(squadra: Squadra, luogo: Luogo, rng: random.Random, seed: int) -> bool:
    """A project, a worker's declaration of availability, their contract (an approved LSU
    intervention) and the pay of the months worked so far."""
    from services.interventi.services import servizio_create
    from services.lsu.models import Progetto
    from services.lsu.services import (
        compenso_registra,
        contratto_crea,
        dichiarazione_registra,
        progetto_crea,
    )

    if Progetto.objects.exists():
        return False
    ufficio = squadra.actor(squadra.amministrativo)
    oggi = timezone.localdate()
    inizio = _primo(oggi - timedelta(days=100))
    fine = inizio.replace(year=inizio.year + 1) - timedelta(days=1)
    servizio = servizio_create(actor=squadra.actor(squadra.dirigente),
                               nome="Lavori socialmente utili", tipo="lsu", area_target="poverta",
                               carattere="periodico")
    progetto = progetto_crea(actor=ufficio, nome="Cura del verde pubblico", data_inizio=inizio,
                             data_fine=fine, settore="Ambiente", posti=4,
                             descrizione=f"Manutenzione di parchi e giardini di {luogo.comune}")
    lavoratore = _persona(ufficio, rng, luogo, min_age=30, max_age=58)
    dichiarazione = dichiarazione_registra(
        actor=ufficio, persona=lavoratore, data=inizio - timedelta(days=10),
        disponibilita="mattina", competenze="Giardinaggio, piccola manutenzione",
        ore_settimanali=D("20"), patente=True)
    contratto = contratto_crea(actor=ufficio, persona=lavoratore, progetto=progetto,
                               servizio=servizio, data_inizio=inizio, data_fine=fine,
                               ore_settimanali=D("20"), compenso_orario=D("8.50"),
                               dichiarazione=dichiarazione)
    mese = inizio
    while mese < _primo(oggi):
        compenso_registra(actor=ufficio, contratto=contratto, mese=mese, ore=D("80"))
        mese = (mese + timedelta(days=32)).replace(day=1)
    return True


# --- assegni (INPS) -----------------------------------------------------------------------


def _assegni(squadra: Squadra, luogo: Luogo, rng: random.Random, seed: int) -> bool:
    """An application for the assegno di maternità of a mother of a newborn and one for the
    assegno al nucleo of a family with three minors, both with their ISEE."""
    from services.assegni.services import DatiAssegno, assegno_create
    from services.domande.services import Dsu
    from services.interventi.models import Servizio
    from services.interventi.services import servizio_create

    if Servizio.objects.filter(tipo__in=["maternita", "nucleo"]).exists():
        return False
    ufficio, capo = squadra.actor(squadra.amministrativo), squadra.actor(squadra.dirigente)
    oggi = timezone.localdate()
    maternita = servizio_create(actor=capo, nome="Assegno di maternità dei comuni",
                                tipo="maternita", area_target="famiglia_minori",
                                carattere="periodico")
    nucleo = servizio_create(actor=capo, nome="Assegno al nucleo familiare (tre figli minori)",
                             tipo="nucleo", area_target="famiglia_minori", carattere="periodico")
    madre = _persona(ufficio, rng, luogo, sex="F", min_age=24, max_age=38)
    nato = oggi - timedelta(days=75)
    presentata = oggi - timedelta(days=20)
    anno = presentata.year
    assegno_create(
        actor=ufficio, persona=madre, servizio=maternita, numero_protocollo=f"{seed % 1000}01",
        data_protocollo=presentata,
        dati=DatiAssegno(figlio_cognome=madre.cognome, figlio_nome="Giulia",
                         figlio_data_nascita=nato, periodo_dal=nato,
                         periodo_al=nato + timedelta(days=150), importo_mensile=D("407.40"),
                         importo_totale=D("2037.00")),
        dsu=Dsu(protocollo=f"INPS-ISEE-{anno}-{seed:09d}-01", anno=anno,
                data=presentata - timedelta(days=15), isee_valore=D("12800.00"),
                isee_tipo="ordinario"))
    genitore = _persona(ufficio, rng, luogo, min_age=32, max_age=48)
    assegno_create(
        actor=ufficio, persona=genitore, servizio=nucleo, numero_protocollo=f"{seed % 1000}02",
        data_protocollo=presentata - timedelta(days=6),
        dati=DatiAssegno(componenti_nucleo=5, figli_minori=3, periodo_dal=date(anno, 1, 1),
                         periodo_al=date(anno, 12, 31), importo_mensile=D("147.90")),
        dsu=Dsu(protocollo=f"INPS-ISEE-{anno}-{seed:09d}-02", anno=anno,
                data=presentata - timedelta(days=30), isee_valore=D("8900.00"),
                isee_tipo="ordinario"))
    return True


# --- Tribunale per i minorenni --------------------------------------------------------------


def _tribunale(squadra: Squadra, luogo: Luogo, rng: random.Random, seed: int) -> bool:
    """A proceeding on parental responsibility for a minor, followed by the social worker
    and the dirigente, with a hearing next week: both operators and the mother summoned."""
    from services.tribunale.models import Procedimento
    from services.tribunale.services import operatore_assegna, procedimento_crea, udienza_fissa

    if Procedimento.objects.exists():
        return False
    worker = squadra.actor(squadra.assistente)
    oggi = timezone.localdate()
    madre = _persona(worker, rng, luogo, sex="F", min_age=28, max_age=45)
    minore = _persona(worker, rng, luogo, min_age=6, max_age=13,
                      via=madre.indirizzi.get().via, dal=oggi - timedelta(days=400))
    decreto = oggi - timedelta(days=40)
    procedimento = procedimento_crea(
        actor=worker, numero_rg=f"{seed % 1000}/{decreto.year}",
        tribunale="Tribunale per i minorenni di Firenze", tipo=Procedimento.Tipo.RESPONSABILITA,
        ricevuto_il=oggi - timedelta(days=35), minori=[minore],
        operatori_ids=[squadra.assistente.pk], decreto_numero=f"{seed % 100}/{decreto.year}",
        decreto_data=decreto,
        decreto_sintesi="Incarico al servizio sociale di indagine psicosociale sul nucleo e "
        "di relazione entro sessanta giorni")
    operatore_assegna(actor=worker, procedimento=procedimento, user_id=squadra.dirigente.pk)
    udienza = oggi + timedelta(days=7)
    while udienza.weekday() >= 5:  # a weekday
        udienza += timedelta(days=1)
    udienza_fissa(actor=worker, procedimento=procedimento,
                  inizio=datetime.combine(udienza, time(10, 30), tzinfo=ROME),
                  luogo="Tribunale per i minorenni di Firenze, via della Scala 79, aula 2",
                  giudice="Dott.ssa Chiara Bellandi",
                  operatori_ids=[squadra.assistente.pk, squadra.dirigente.pk], persone=[madre])
    return True


# --- referrals and plans ------------------------------------------------------------------


def _cartelle() -> list[Cartella]:
    """The comune's own open case files, in the order the case work opened them."""
    return list(Cartella.objects.filter(stato=Cartella.Stato.APERTA, sola_lettura=False)
                .select_related("persona").order_by("id"))


def _invii(squadra: Squadra, luogo: Luogo, rng: random.Random, seed: int) -> bool:
    """The comune's specialist team for family mediation and a case referred to it."""
    from services.invii.models import ServizioSpecialistico
    from services.invii.services import invio_crea, membro_aggiungi, servizio_specialistico_crea

    cartelle = _cartelle()
    if ServizioSpecialistico.objects.exists() or len(cartelle) < 2:
        return False
    capo = squadra.actor(squadra.dirigente)
    servizio = servizio_specialistico_crea(actor=capo, nome="Équipe mediazione familiare",
                                           tipo="mediazione_familiare")
    for user in squadra.equipe:
        membro_aggiungi(actor=capo, servizio=servizio, user=user)
    invio_crea(actor=squadra.actor(squadra.assistente), cartella=cartelle[1], servizio=servizio,
               quesito="Conflitto tra i genitori sulla gestione dei figli: si chiede un "
               "percorso di mediazione")
    return True


def _verifiche_pai(squadra: Squadra, luogo: Luogo, rng: random.Random, seed: int) -> bool:
    """The dirigente approves a plan waiting for approval (the first stays in the queue);
    its first review took place a month ago and the next one is due."""
    from services.pai.models import PAI, Approvazione, VerificaPAI
    from services.pai.services import approvazione_decide, verifica_record

    if VerificaPAI.objects.exists():
        return False
    oggi = timezone.localdate()
    attesa = list(Approvazione.objects.filter(tipo=Approvazione.Tipo.PAI, stato="in_attesa")
                  .select_related("pai").order_by("id"))
    if len(attesa) >= 2:
        approvazione_decide(actor=squadra.actor(squadra.dirigente), approvazione=attesa[1],
                            approva=True, motivazione="Progetto coerente con il bisogno")
    pai = PAI.objects.filter(stato=PAI.Stato.APPROVATO).order_by("id").first()
    if pai is None:
        return False
    fatta = max(pai.data_inizio, oggi - timedelta(days=30))
    verifica_record(actor=squadra.actor(squadra.assistente), pai=pai, data_effettuata=fatta,
                    esito="Obiettivo avviato: la persona partecipa agli incontri",
                    prossima=max(fatta + timedelta(days=1), oggi - timedelta(days=2)))
    return True


# --- transfers across the zone ----------------------------------------------------------------


def demo_trasferimenti(*, comuni: Sequence[Any], assistenti: dict[int, Any]) -> int:
    """Each comune hands its last case to the next comune of the zone (the person moved);
    every other receiving comune has accepted it, the rest wait for the decision. Outside any
    tenant_context; idempotent: a comune that already sent a case sends no other."""
    from django_tenants.utils import tenant_context

    from services.trasferimenti.models import Trasferimento
    from services.trasferimenti.services import trasferimento_accetta, trasferimento_richiedi

    oggi = timezone.localdate()
    richiesti: list[tuple[Any, Any]] = []
    # All the requests first, so no comune hands on a case it has just received.
    for n, comune in enumerate(comuni):
        destinatario = comuni[(n + 1) % len(comuni)]
        if Trasferimento.objects.filter(mittente=comune.ente).exists():
            continue
        with tenant_context(comune.ente):
            cartelle = _cartelle()
            if len(cartelle) < 3:
                continue
            t = trasferimento_richiedi(
                actor=Actor(assistenti[comune.ente.pk], "127.0.0.1"), cartella=cartelle[-1],
                destinatario_istat=destinatario.istat_code,
                motivo=f"La persona si è trasferita a {destinatario.name}",
                consenso_data=oggi - timedelta(days=5), consenso_modalita="scritto")
        if n % 2 == 0:
            richiesti.append((t, destinatario))
    for t, destinatario in richiesti:
        with tenant_context(destinatario.ente):
            trasferimento_accetta(actor=Actor(assistenti[destinatario.ente.pk], "127.0.0.1"),
                                  public_id=t.public_id)
    return len(richiesti)
