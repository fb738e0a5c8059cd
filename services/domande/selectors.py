"""Reads of the applications: the filtered list, one application, a worker's queue, the social
workers who may receive an application and their open caseload."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from services.cartella.models import Cartella
from services.core.errors import NotFound
from services.core.letture import AccessoNegato, audit_list, audit_read
from services.core.models import AuditEntry
from services.core.queue import current_schema
from services.core.text import fold
from tenants.models import Membership
from tenants.roles import ROLE_CAPABILITIES, Capability

from .models import Domanda, ImportProtocollo


def domande_elenco(*, stato: str = "", servizio: Any = None, assegnata_a: int | None = None,
                   anno: int | None = None, q: str = "") -> QuerySet[Domanda]:
    domande = Domanda.objects.select_related("persona", "servizio")
    if stato == "aperte":
        domande = domande.filter(stato__in=Domanda.APERTE)
    elif stato:
        domande = domande.filter(stato=stato)
    if servizio is not None:
        domande = domande.filter(servizio=servizio)
    if assegnata_a == 0:
        domande = domande.filter(assegnata_a_id__isnull=True)
    elif assegnata_a is not None:
        domande = domande.filter(assegnata_a_id=assegnata_a)
    if anno:
        domande = domande.filter(data_protocollo__year=anno)
    testo = (q or "").strip()
    if testo:
        cond = Q(numero_protocollo__iexact=testo) | Q(persona__codice_fiscale=testo.upper())
        parole = fold(testo).split()
        if parole:
            per_nome = Q()
            for parola in parole:
                per_nome &= Q(persona__search_text__contains=parola)
            cond |= per_nome
        domande = domande.filter(cond)
    return domande.order_by("-data_protocollo", "-id")


def get_domanda(public_id: Any) -> Domanda:
    """One application of this comune, or NotFound (the views answer 404)."""
    try:
        domanda = (Domanda.objects.select_related("persona", "servizio")
                   .filter(public_id=public_id).first())
    except (ValueError, TypeError, ValidationError):
        domanda = None
    if domanda is None:
        raise NotFound(_("Domanda non trovata."))
    return domanda


def get_domanda_for_user(user: Any, public_id: Any, *, ip_address: str | None,
                         log_read: bool = True, pagina: str = "") -> Domanda:
    """One application (codice fiscale, ISEE) for someone who manages applications, or the
    same 404 whether it is missing or not theirs to see (the refusal is audited by the
    middleware). The read is written to the audit trail (``domanda.letta``, with the page
    that showed it); ``log_read=False`` only for writes, which their service audits."""
    from tenants.roles import permission_name

    if not (user.is_authenticated and user.has_perm(permission_name(Capability.MANAGE_DOMANDE))):
        raise AccessoNegato("domande.domanda", public_id)
    try:
        domanda = get_domanda(public_id)
    except NotFound:
        raise AccessoNegato("domande.domanda", public_id) from None
    if log_read:
        audit_read(user=user, obj=domanda, action="domanda.letta", ip_address=ip_address,
                   payload={"pagina": pagina} if pagina else None)
    return domanda


def audit_domande_page(user: Any, *, action: str = "domanda.elenco", ip_address: str | None,
                       filtro: dict, righe: int, pagina: int | None = None) -> None:
    """One entry for a page of applications (the list, a worker's queue, the assignment)."""
    audit_list(user=user, action=action, ip_address=ip_address, filtro=filtro, righe=righe,
               pagina=pagina)


def coda_operatore(user_id: int) -> QuerySet[Domanda]:
    """The applications assigned to a worker and not closed, oldest first."""
    return (Domanda.objects.select_related("persona", "servizio")
            .filter(assegnata_a_id=user_id, stato__in=Domanda.APERTE)
            .order_by("data_protocollo", "id"))


def storia_domanda(domanda: Domanda) -> QuerySet[AuditEntry]:
    """What happened to the application (and to its assegno, if any), newest first."""
    from services.assegni.models import Assegno

    ids = [str(domanda.public_id)]
    ids += [str(p) for p in Assegno.objects.filter(domanda=domanda).values_list("public_id", flat=True)]
    return AuditEntry.objects.filter(object_id__in=ids).order_by("-at", "-id")


def assegni_da_completare(importazione: ImportProtocollo) -> int:
    """How many of the applications an import registered are for an assegno and still
    without its data: the protocol does not carry them (services/assegni completes them)."""
    from services.assegni.selectors import domande_da_completare

    return domande_da_completare(importazione_id=importazione.pk).count()


def ruoli_assegnatari() -> list[str]:
    return [r for r, caps in ROLE_CAPABILITIES.items() if Capability.PROPOSE_INTERVENTO in caps]


def operatori_assegnabili() -> list[Membership]:
    """The members of the current comune whose role may propose interventions (the social
    workers), by name."""
    return list(Membership.objects.filter(
        ente__schema_name=current_schema(), is_active=True, user__is_active=True,
        role__in=ruoli_assegnatari(),
    ).select_related("user").order_by("user__last_name", "user__first_name", "user_id"))


def carichi_operatori(user_ids: list[int]) -> Counter[int]:
    """Open caseload per worker: case files not closed where they are responsabile, plus the
    open applications assigned to them. Two queries."""
    carico: Counter[int] = Counter()
    for row in (Cartella.objects.filter(responsabile_id__in=user_ids)
                .exclude(stato=Cartella.Stato.CHIUSA)
                .values("responsabile_id").annotate(n=Count("id"))):
        carico[row["responsabile_id"]] += row["n"]
    for row in (Domanda.objects.filter(assegnata_a_id__in=user_ids, stato__in=Domanda.APERTE)
                .values("assegnata_a_id").annotate(n=Count("id"))):
        carico[row["assegnata_a_id"]] += row["n"]
    return carico


@dataclass(frozen=True)
class Operatore:
    user_id: int
    label: str
    carico: int


def operatori_con_carico() -> list[Operatore]:
    membri = operatori_assegnabili()
    carico = carichi_operatori([m.user_id for m in membri])
    return [Operatore(m.user_id, m.user.get_full_name() or m.user.email, carico[m.user_id])
            for m in membri]


def suggerimenti(domande: list[Domanda], operatori: list[Operatore]) -> dict[int, Operatore]:
    """For each application (by pk) the worker with the smallest open caseload, counting the
    applications suggested before it: a batch is spread, not piled on one person."""
    if not operatori:
        return {}
    carico = {o.user_id: o.carico for o in operatori}
    per_id = {o.user_id: o for o in operatori}
    ordine = {o.user_id: i for i, o in enumerate(operatori)}
    scelta: dict[int, Operatore] = {}
    for domanda in domande:
        uid = min(carico, key=lambda u: (carico[u], ordine[u]))
        scelta[domanda.pk] = per_id[uid]
        carico[uid] += 1
    return scelta
