"""The work queue of a desk: what waits for the signed-in operator, with counts and links.

Each entry is declared once, with the capability its page requires, so the desk shows an
operator only what they may open; an entry with nothing waiting is left out. Counts come
from the owning app's selectors (the same querysets its pages list), never a copy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from services.accesso.models import SchedaAccesso
from services.domande import selectors as domande
from services.domande.models import Domanda
from services.fornitori.models import Fattura
from services.interventi import selectors as interventi
from services.invii import selectors as invii
from services.invii.models import Invio
from services.pai import selectors as pai
from services.trasferimenti.models import Trasferimento
from services.trasferimenti.selectors import in_arrivo
from services.tribunale.selectors import udienze_operatore
from tenants.permissions import has_capability
from tenants.roles import Capability


@dataclass(frozen=True)
class QueueItem:
    key: str
    text: str
    count: int
    url: str
    #: something late (an overdue review): shown first and highlighted
    urgent: bool = False


@dataclass(frozen=True)
class _Entry:
    key: str
    capability: str
    url_name: str
    text: Callable[[int], str]
    count: Callable[[Any], int]
    urgent: bool = False
    query: str = ""


def _udienze_settimana(user: Any) -> int:
    oggi = timezone.localdate()
    return udienze_operatore(int(user.pk), dal=oggi, al=oggi + timedelta(days=6)).count()


ENTRIES: tuple[_Entry, ...] = (
    _Entry("verifiche_scadute", Capability.VIEW_CARTELLA, "pai_overdue",
           lambda n: ngettext(
               "%(n)d verifica di PAI scaduta",
               "%(n)d verifiche di PAI scadute", n),
           lambda u: pai.verifiche_scadute(u, solo_mie=True).count(), urgent=True),
    _Entry("notifiche", Capability.VIEW_CARTELLA, "cartella_dashboard",
           lambda n: ngettext(
               "%(n)d notifica da leggere",
               "%(n)d notifiche da leggere", n),
           lambda u: pai.notifiche_di(u).count()),
    _Entry("schede", Capability.MANAGE_CARTELLA, "cartella_schede_da_valutare",
           lambda n: ngettext(
               "%(n)d scheda di accesso da valutare",
               "%(n)d schede di accesso da valutare", n),
           lambda u: SchedaAccesso.objects.filter(stato=SchedaAccesso.Stato.INOLTRATA).count()),
    _Entry("approvazioni", Capability.APPROVE_PAI, "approvazioni_list",
           lambda n: ngettext(
               "%(n)d PAI o chiusura da approvare",
               "%(n)d PAI o chiusure da approvare", n),
           lambda u: pai.approvazioni_in_attesa(u).count()),
    _Entry("proposte", Capability.DECIDE_INTERVENTO, "interventi_da_decidere",
           lambda n: ngettext(
               "%(n)d proposta di intervento da decidere",
               "%(n)d proposte di intervento da decidere", n),
           lambda u: interventi.interventi_da_decidere().count()),
    _Entry("domande_mie", Capability.PROPOSE_INTERVENTO, "domande_coda",
           lambda n: ngettext(
               "%(n)d domanda assegnata a te da istruire",
               "%(n)d domande assegnate a te da istruire", n),
           lambda u: domande.coda_operatore(int(u.pk)).count()),
    _Entry("domande_da_assegnare", Capability.MANAGE_DOMANDE, "domande_assegna",
           lambda n: ngettext(
               "%(n)d domanda nuova da assegnare",
               "%(n)d domande nuove da assegnare", n),
           lambda u: domande.domande_elenco(stato=Domanda.Stato.PRESENTATA,
                                            assegnata_a=0).count()),
    _Entry("fatture", Capability.MANAGE_FORNITORI, "fatture_list",
           lambda n: ngettext(
               "%(n)d fattura da controllare",
               "%(n)d fatture da controllare", n),
           lambda u: Fattura.objects.filter(stato=Fattura.Stato.RICEVUTA).count(),
           query="?stato=" + Fattura.Stato.RICEVUTA),
    _Entry("udienze", Capability.MANAGE_TRIBUNALE, "tribunale_udienze",
           lambda n: ngettext(
               "%(n)d udienza nei prossimi 7 giorni",
               "%(n)d udienze nei prossimi 7 giorni", n),
           _udienze_settimana),
    _Entry("invii", Capability.VIEW_CARTELLA, "invii_ricevuti",
           lambda n: ngettext(
               "%(n)d invio al tuo servizio in attesa di risposta",
               "%(n)d invii al tuo servizio in attesa di risposta", n),
           lambda u: invii.invii_ricevuti(u).filter(stato=Invio.Stato.INVIATO).count()),
    _Entry("trasferimenti", Capability.MANAGE_CARTELLA, "trasferimenti_list",
           lambda n: ngettext(
               "%(n)d trasferimento di cartella in arrivo da accettare",
               "%(n)d trasferimenti di cartella in arrivo da accettare", n),
           lambda u: in_arrivo().filter(stato=Trasferimento.Stato.RICHIESTO).count()),
)


def work_queue(request: HttpRequest) -> list[QueueItem]:
    """What waits for this operator, the urgent first; only what they may open."""
    items = []
    for entry in ENTRIES:
        if not has_capability(request, entry.capability):
            continue
        n = entry.count(request.user)
        if not n:
            continue
        items.append(QueueItem(
            key=entry.key,
            text=entry.text(n) % {"n": n},
            count=n,
            url=reverse(entry.url_name) + entry.query,
            urgent=entry.urgent,
        ))
    return sorted(items, key=lambda i: not i.urgent)

