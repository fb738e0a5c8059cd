"""Reads of the segretariato sociale. A scheda di accesso is obtained only through
``get_scheda_for_user``, which decides who may read it and writes every read to the audit
trail."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from services.anagrafica.models import Persona, Riferimento
from services.core.letture import AccessoNegato, audit_list, audit_read
from services.core.text import fold
from tenants.roles import Capability, permission_name

from .models import Consenso, Risorsa, SchedaAccesso, Sportello

# Who may speak for another person about their data (seed 002: legale rappresentante).
LEGAL_REPRESENTATIVE = (Riferimento.Tipo.TUTORE, Riferimento.Tipo.CURATORE,
                        Riferimento.Tipo.AMMINISTRATORE_SOSTEGNO)


def _can(user: Any, capability: str) -> bool:
    return bool(user.is_authenticated and user.has_perm(permission_name(capability)))


def consenso_attuale(persona: Persona) -> Consenso | None:
    """The person's answer in force: the latest recorded (by date, then by entry)."""
    return Consenso.objects.filter(persona=persona).order_by("-data", "-id").first()


def consensi_storia(persona: Persona) -> list[Consenso]:
    """Every answer the person (or their legal representative) gave, newest first: the
    first one is in force."""
    return list(Consenso.objects.filter(persona=persona).select_related("rilasciato_da")
                .order_by("-data", "-id"))


def mandato_autorita_giudiziaria(persona: Persona | None) -> SchedaAccesso | None:
    """The latest order of the judicial authority about the person, if any: with it the
    service acts whatever the person answers on consent (seed 002)."""
    if persona is None or persona.pk is None:
        return None
    return (SchedaAccesso.objects
            .filter(utente=persona,
                    interlocutore_tipo=SchedaAccesso.Interlocutore.AUTORITA_GIUDIZIARIA)
            .order_by("-provvedimento_data", "-data", "-id").first())


def consensi_attuali(persone: list[Persona]) -> dict[int, Consenso]:
    """The consent in force for each of ``persone`` (by person id), in one query."""
    rows = (Consenso.objects.filter(persona__in=persone)
            .order_by("persona_id", "-data", "-id").distinct("persona_id"))
    return {c.persona_id: c for c in rows}


def is_legal_representative(utente: Persona | None, rappresentante: Persona | None) -> bool:
    """Whether the registry records ``rappresentante`` as the utente's guardian, curator or
    support administrator today."""
    if utente is None or rappresentante is None:
        return False
    return Riferimento.objects.filter(persona=utente, riferimento=rappresentante,
                                      tipo__in=LEGAL_REPRESENTATIVE, al__isnull=True).exists()


def legal_representatives(utente: Persona) -> list[Riferimento]:
    """The utente's guardians, curators and support administrators on record today."""
    return list(Riferimento.objects.filter(persona=utente, tipo__in=LEGAL_REPRESENTATIVE,
                                           al__isnull=True).select_related("riferimento"))


def rappresentanza_verificata(scheda: SchedaAccesso) -> bool | None:
    """For a scheda filled in by a legal representative: is the role on record? None for
    other interlocutors."""
    if scheda.interlocutore_tipo != SchedaAccesso.Interlocutore.LEGALE_RAPPRESENTANTE:
        return None
    return is_legal_representative(scheda.utente, scheda.interlocutore)


def vede_tutte_le_schede(user: Any) -> bool:
    """The dirigente and the social workers who assess schede (``manage_cartella``)."""
    return _can(user, Capability.VIEW_ALL_CARTELLE) or _can(user, Capability.MANAGE_CARTELLA)


def schede_visibili(user: Any) -> QuerySet[SchedaAccesso]:
    """Schede ``user`` may read, on a need-to-know basis like case files: every scheda for
    the dirigente and the social workers who assess them; for the front office, the ones
    they wrote; for any case-work profession (educatore, psicologo), the ones that led to a
    case file they are enabled on. None for anyone else."""
    from django.db.models import Exists, OuterRef

    from services.cartella.models import OperatoreCartella

    qs = SchedaAccesso.objects.select_related("utente", "interlocutore")
    if vede_tutte_le_schede(user):
        return qs
    allowed: list[Q] = []
    if _can(user, Capability.WRITE_SCHEDA_ACCESSO):
        allowed.append(Q(operatore_id=user.pk))
    if _can(user, Capability.VIEW_CARTELLA):
        enabled = OperatoreCartella.objects.filter(
            cartella__public_id=OuterRef("cartella_public_id"), user_id=user.pk,
            al__isnull=True)
        allowed.append(Q(Exists(enabled)))
    if not allowed:
        return qs.none()
    condition = allowed[0]
    for other in allowed[1:]:
        condition |= other
    return qs.filter(condition)


def get_scheda_for_user(user: Any, public_id: Any, *, write: bool = False,
                        ip_address: str | None = None) -> SchedaAccesso:
    """The scheda, or 404 whether it is missing or not this user's to read (the refusal is
    audited by the middleware). With ``write`` the user must also be allowed to write
    schede; the write itself is audited by the service, so only plain reads are logged
    here (``scheda.letta``)."""
    try:
        scheda = (schede_visibili(user).select_related("riferimento", "consenso")
                  .filter(public_id=public_id).first())
    except (ValueError, TypeError, ValidationError):  # not a UUID
        scheda = None
    if scheda is None or (write and not _can(user, Capability.WRITE_SCHEDA_ACCESSO)):
        raise AccessoNegato("accesso.schedaaccesso", public_id)
    if write:
        return scheda
    audit_read(user=user, obj=scheda, action="scheda.letta", ip_address=ip_address)
    return scheda


def schede_filtrate(user: Any, *, stato: str = "", dal: Any = None, al: Any = None,
                    solo_mie: bool = False, sportello: Any = None) -> QuerySet[SchedaAccesso]:
    """The list page: visible schede by state, contact date range, the user's own, and
    the front office that took them."""
    qs = schede_visibili(user).select_related("sportello")
    if sportello is not None:
        qs = qs.filter(sportello=sportello)
    if stato:
        qs = qs.filter(stato=stato)
    if dal:
        qs = qs.filter(data__date__gte=dal)
    if al:
        qs = qs.filter(data__date__lte=al)
    if solo_mie:
        qs = qs.filter(operatore_id=user.pk)
    return qs.order_by("-data", "-id")


def audit_schede_page(user: Any, *, ip_address: str | None, filtro: dict, righe: int,
                      pagina: int) -> None:
    """One entry for a page of the list of schede (who was listed, not one per row)."""
    audit_list(user=user, action="scheda.elenco", ip_address=ip_address, filtro=filtro,
               righe=righe, pagina=pagina)


def risorse_search(q: str = "", area_target: str = "", *, solo_attive: bool = True,
                   limit: int = 200) -> list[Risorsa]:
    """Resources of the territory by name, manager or description (tolerant of accents and
    typos; a word's beginning is enough), optionally in one target area. Resources for every area come along with the
    chosen one."""
    qs: QuerySet[Risorsa] = Risorsa.objects.all()
    if solo_attive:
        qs = qs.filter(attiva=True)
    if area_target:
        qs = qs.filter(area_target__in=[area_target, ""])
    folded = fold(q)
    if not folded:
        return list(qs.order_by("nome")[:limit])
    qs = (
        qs.filter(Q(search_text__trigram_word_similar=folded) | Q(search_text__contains=folded))
        .annotate(score=TrigramWordSimilarity(folded, "search_text"))
        .order_by("-score", "nome")
    )
    return list(qs[:limit])


def get_risorsa(public_id: Any) -> Risorsa:
    try:
        risorsa = Risorsa.objects.filter(public_id=public_id).first()
    except (ValueError, TypeError, ValidationError):
        risorsa = None
    if risorsa is None:
        raise Http404
    return risorsa


def assistenti_sociali() -> list[Any]:
    """Members of the ente whose schema is active who take schede in charge (their role
    may manage case files), by name: whom the front office forwards a scheda to."""
    from django.db import connection

    from tenants.models import Membership
    from tenants.roles import ROLE_CAPABILITIES

    roles = [r for r, caps in ROLE_CAPABILITIES.items() if Capability.MANAGE_CARTELLA in caps]
    tenant = getattr(connection, "tenant", None)
    return list(Membership.objects.filter(ente_id=getattr(tenant, "pk", 0),
                                          is_active=True, role__in=roles)
                .select_related("user").order_by("user__last_name", "user__first_name"))


# --- front offices ------------------------------------------------------------------------


def sportelli_attivi() -> list[Sportello]:
    """The ente's open front offices, by name: where a contact can be taken."""
    return list(Sportello.objects.filter(attivo=True).order_by("nome"))


def sportelli_elenco() -> list[Sportello]:
    """Every front office of the ente, open ones first."""
    return list(Sportello.objects.order_by("-attivo", "nome"))


def sportelli_di(user_id: int) -> list[Sportello]:
    """The open front offices ``user_id`` works at."""
    return list(Sportello.objects.filter(attivo=True, operatori_ids__contains=[user_id])
                .order_by("nome"))


def get_sportello(public_id: Any) -> Sportello:
    """A front office of this ente, or 404 (also for a malformed id)."""
    try:
        sportello = Sportello.objects.filter(public_id=public_id).first()
    except (ValueError, TypeError, ValidationError):
        sportello = None
    if sportello is None:
        raise Http404
    return sportello
