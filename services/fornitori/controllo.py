"""The automatic check of a provider's invoice against the contract and the records.

For each line the check finds what the comune recorded for that person and month: the days
of presence of a placement (``ricoveri``) or the hours of the provider's monthly statement
(``domiciliare``). Expected amount of a line: the days or hours recognised (those invoiced,
at most those recorded) × the contract's rate, less the user's daily share for placements.
Then the invoice as a whole: total equal to the sum of its lines, month inside the contract,
contract ceiling and remaining amount of the determina not exceeded.

The result is stored on the lines (expected quantity, rate, amount) and as ``Discrepanza``
rows; the invoice becomes ``verificata`` when nothing is found, ``con_discrepanze``
otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from services.domiciliare.models import OreLavorate, PianoDomiciliare
from services.interventi.models import TipoIntervento
from services.ricoveri.models import Presenza, Ricovero

from .importi import ZERO, cents, euro, quantita
from .models import Discrepanza, Fattura, RigaFattura


@dataclass(frozen=True)
class Riscontro:
    """What the records say about one person in one month under the contract."""

    quantita: Decimal  # days present or hours worked
    tariffa: Decimal  # the contract's rate (daily rate of the placement, hourly rate)
    quota_utente: Decimal  # per day, paid by the user to the structure (0 for home care)
    unita: str  # "giorni" / "ore", for messages
    manca: str = ""  # why nothing was found (no statement, no presences)


def _riscontro(riga: RigaFattura, fattura: Fattura) -> Riscontro | None:
    intervento = riga.intervento
    contratto = fattura.contratto
    mese = fattura.competenza
    if intervento.tipo == TipoIntervento.RICOVERO:
        ricovero = Ricovero.objects.filter(intervento=intervento, contratto=contratto).first()
        if ricovero is None:
            return None
        presenza = Presenza.objects.filter(ricovero=ricovero, mese=mese).first()
        return Riscontro(
            quantita=Decimal(presenza.giorni) if presenza else ZERO,
            tariffa=ricovero.tariffa_giornaliera, quota_utente=ricovero.quota_utente,
            unita=_("giorni"),
            manca="" if presenza else _("presenze del mese non registrate"),
        )
    if intervento.tipo == TipoIntervento.DOMICILIARE:
        piano = PianoDomiciliare.objects.filter(intervento=intervento, contratto=contratto).first()
        if piano is None or contratto.tariffa_oraria is None:
            return None
        righe = OreLavorate.objects.filter(piano=piano, rendiconto__mese=mese)
        ore = righe.aggregate(t=Sum("ore"))["t"]
        return Riscontro(
            quantita=ore if ore is not None else ZERO, tariffa=contratto.tariffa_oraria,
            quota_utente=ZERO, unita=_("ore"),
            manca="" if ore is not None else _("ore del mese non rendicontate"),
        )
    return None


def _controlla_riga(riga: RigaFattura, fattura: Fattura) -> list[Discrepanza]:
    persona = riga.intervento.persona.nome_completo
    found: list[Discrepanza] = []

    def add(tipo: str, testo: str, differenza: Decimal = ZERO) -> None:
        found.append(Discrepanza(fattura=fattura, riga=riga, tipo=tipo,
                                 descrizione=f"{persona}: {testo}", differenza=cents(differenza)))

    r = _riscontro(riga, fattura)
    if r is None:
        riga.quantita_attesa, riga.tariffa_attesa, riga.importo_atteso = ZERO, None, ZERO
        add(Discrepanza.Tipo.NON_PREVISTO,
            _("nessun piano o ricovero di questa persona sul contratto %(c)s.")
            % {"c": fattura.contratto.numero}, riga.importo)
        return found
    netta = r.tariffa - r.quota_utente
    riconosciuta = min(riga.quantita, r.quantita)
    riga.quantita_attesa = r.quantita
    riga.tariffa_attesa = r.tariffa
    riga.importo_atteso = cents(riconosciuta * netta)

    if riga.quantita > r.quantita:
        motivo = f" ({r.manca})" if r.manca else ""
        add(Discrepanza.Tipo.QUANTITA,
            _("fatturati %(q)s %(u)s, riscontrati %(a)s%(m)s.")
            % {"q": quantita(riga.quantita), "u": r.unita, "a": quantita(r.quantita), "m": motivo},
            (riga.quantita - r.quantita) * netta)
    tariffa_errata = riga.tariffa is not None and cents(riga.tariffa) != cents(r.tariffa)
    if tariffa_errata:
        assert riga.tariffa is not None
        add(Discrepanza.Tipo.TARIFFA,
            _("tariffa fatturata %(f)s, tariffa del contratto %(c)s.")
            % {"f": euro(riga.tariffa), "c": euro(r.tariffa)},
            riga.quantita * (riga.tariffa - r.tariffa))
    # The amount must be what the invoiced quantity costs at the contract's rate (net of
    # the user's share): a wrong rate or a miscalculation shows here.
    dovuto = cents(riga.quantita * netta)
    if cents(riga.importo) != dovuto and not tariffa_errata:
        quota = (_(" meno la quota utente di %(q)s al giorno") % {"q": euro(r.quota_utente)}
                 if r.quota_utente else "")
        add(Discrepanza.Tipo.IMPORTO,
            _("importo fatturato %(f)s, atteso %(a)s (%(q)s %(u)s × %(t)s%(quota)s).")
            % {"f": euro(riga.importo), "a": euro(dovuto), "q": quantita(riga.quantita),
               "u": r.unita, "t": euro(r.tariffa), "quota": quota},
            riga.importo - dovuto)
    return found


def _controlla_totali(fattura: Fattura, somma_righe: Decimal) -> list[Discrepanza]:
    contratto = fattura.contratto
    found: list[Discrepanza] = []

    def add(tipo: str, testo: str, differenza: Decimal = ZERO) -> None:
        found.append(Discrepanza(fattura=fattura, tipo=tipo, descrizione=testo,
                                 differenza=cents(differenza)))

    if cents(somma_righe) != cents(fattura.importo_totale):
        add(Discrepanza.Tipo.TOTALE,
            _("Il totale fatturato (%(t)s) non è la somma delle righe (%(s)s).")
            % {"t": euro(fattura.importo_totale), "s": euro(somma_righe)},
            fattura.importo_totale - somma_righe)
    if not (contratto.dal.replace(day=1) <= fattura.competenza <= contratto.al):
        add(Discrepanza.Tipo.PERIODO,
            _("Il mese %(m)s è fuori dal periodo del contratto (%(dal)s – %(al)s).")
            % {"m": fattura.competenza.strftime("%m/%Y"), "dal": contratto.dal.strftime("%d/%m/%Y"),
               "al": contratto.al.strftime("%d/%m/%Y")})

    altre = Fattura.objects.filter(contratto=contratto).exclude(pk=fattura.pk).exclude(
        stato=Fattura.Stato.CONTESTATA)
    gia_fatturato = altre.aggregate(t=Sum("importo_totale"))["t"] or ZERO
    if gia_fatturato + fattura.importo_totale > contratto.importo_massimo:
        add(Discrepanza.Tipo.TETTO_CONTRATTO,
            _("Con questa fattura il contratto arriva a %(t)s, oltre l'importo massimo di %(m)s "
              "(già fatturati %(g)s).")
            % {"t": euro(gia_fatturato + fattura.importo_totale),
               "m": euro(contratto.importo_massimo), "g": euro(gia_fatturato)},
            gia_fatturato + fattura.importo_totale - contratto.importo_massimo)

    if contratto.ore_massime is not None and contratto.tariffa_oraria is not None:
        ore_altre = (RigaFattura.objects.filter(fattura__in=altre).aggregate(t=Sum("quantita"))["t"]
                     or ZERO)
        ore = ore_altre + sum((r.quantita for r in fattura.righe.all()), ZERO)
        if ore > contratto.ore_massime:
            add(Discrepanza.Tipo.TETTO_CONTRATTO,
                _("Con questa fattura le ore del contratto arrivano a %(o)s, oltre le %(m)s "
                  "previste.") % {"o": quantita(ore), "m": quantita(contratto.ore_massime)})

    determina = contratto.determina
    if determina is not None:
        # Invoices already cleared for payment on the same determina draw on it too.
        in_attesa = (Fattura.objects.filter(contratto__determina=determina,
                                            stato__in=Fattura.LIQUIDABILI)
                     .exclude(pk=fattura.pk).aggregate(t=Sum("importo_totale"))["t"] or ZERO)
        disponibile = determina.disponibile - in_attesa
        if fattura.importo_totale > disponibile:
            add(Discrepanza.Tipo.DETERMINA,
                _("La determina %(d)s ha %(r)s ancora disponibili (al netto delle fatture già "
                  "verificate), meno del totale fatturato.")
                % {"d": f"{determina.numero}/{determina.esercizio}", "r": euro(disponibile)},
                fattura.importo_totale - disponibile)
    return found


def controlla_fattura(fattura: Fattura) -> list[Discrepanza]:
    """Run the check and store its result. Call inside the caller's transaction, with the
    invoice locked or just created."""
    fattura.discrepanze.all().delete()
    righe = list(fattura.righe.select_related("intervento__persona"))
    found: list[Discrepanza] = []
    for riga in righe:
        found.extend(_controlla_riga(riga, fattura))
    RigaFattura.objects.bulk_update(righe, ["quantita_attesa", "tariffa_attesa", "importo_atteso"])
    found.extend(_controlla_totali(fattura, sum((r.importo for r in righe), ZERO)))
    Discrepanza.objects.bulk_create(found)
    fattura.importo_atteso = cents(sum((r.importo_atteso for r in righe), ZERO))
    fattura.stato = Fattura.Stato.CON_DISCREPANZE if found else Fattura.Stato.VERIFICATA
    fattura.controllata_il = timezone.now()
    fattura.save(update_fields=["importo_atteso", "stato", "controllata_il", "updated_at"])
    return found
