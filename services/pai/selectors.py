"""Reads of PAI, reviews, approvals and the dashboard figures.

Case data comes only through ``services.cartella.selectors``: a PAI is reachable only
through a case the user may read, and the figures count only visible cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from services.accesso.models import SchedaAccesso
from services.cartella.models import Cartella, OperatoreCartella
from services.cartella.selectors import cartelle_visibili, get_cartella_for_user
from tenants.roles import Capability, permission_name

from .models import (
    PAI,
    Approvazione,
    InterventoPianificato,
    Notifica,
    ObiettivoPAI,
    ResponsabilePAI,
    VerificaPAI,
)


def _can(user: Any, capability: str) -> bool:
    return bool(user.is_authenticated and user.has_perm(permission_name(capability)))


def _visible_ids(user: Any) -> QuerySet:
    return cartelle_visibili(user).values("pk")


# --- one object, through its case -----------------------------------------------------------

def pai_for_user(user: Any, public_id: UUID | str, *, write: bool = False,
                 ip_address: str | None = None) -> PAI:
    """The PAI, or 404 if missing or its case is not the user's to read (or, with
    ``write``, to change). The read of the case is audit-logged."""
    try:
        pai = PAI.objects.filter(public_id=public_id).select_related("cartella").first()
    except (ValueError, TypeError, ValidationError):  # not a UUID
        pai = None
    if pai is None:
        raise Http404
    pai.cartella = get_cartella_for_user(user, pai.cartella.public_id, write=write,
                                         ip_address=ip_address)
    return pai


def _child_for_user(model: type[Any], user: Any, public_id: UUID | str, *,
                    ip_address: str | None = None) -> Any:
    """A goal, intervention or responsible of a PAI the user may change."""
    child = model.objects.filter(public_id=public_id).select_related("pai").first()
    if child is None:
        raise Http404
    child.pai = pai_for_user(user, child.pai.public_id, write=True, ip_address=ip_address)
    return child


def obiettivo_for_user(user: Any, public_id: UUID, **kw: Any) -> ObiettivoPAI:
    return _child_for_user(ObiettivoPAI, user, public_id, **kw)


def intervento_for_user(user: Any, public_id: UUID, **kw: Any) -> InterventoPianificato:
    return _child_for_user(InterventoPianificato, user, public_id, **kw)


def responsabile_for_user(user: Any, public_id: UUID, **kw: Any) -> ResponsabilePAI:
    return _child_for_user(ResponsabilePAI, user, public_id, **kw)


def approvazione_for_user(user: Any, public_id: UUID) -> Approvazione:
    """A request the user may decide on: 404 for anyone else."""
    if not _can(user, Capability.APPROVE_PAI):
        raise Http404
    approvazione = (Approvazione.objects.filter(public_id=public_id,
                                                cartella__in=_visible_ids(user))
                    .select_related("cartella__persona", "pai").first())
    if approvazione is None:
        raise Http404
    return approvazione


# --- lists ----------------------------------------------------------------------------------

def _prossima_verifica() -> Subquery:
    return Subquery(VerificaPAI.objects.filter(pai=OuterRef("pk"), data_effettuata__isnull=True)
                    .values("data_prevista")[:1])


def piani_della_cartella(cartella: Cartella) -> QuerySet[PAI]:
    """The case's PAI, newest version first, each with its next review and pending
    approval request (the caller already holds the case through the access helper)."""
    return (
        PAI.objects.filter(cartella=cartella)
        .annotate(prossima_verifica=_prossima_verifica())
        .prefetch_related(Prefetch("approvazioni",
                                   queryset=Approvazione.objects.filter(
                                       stato=Approvazione.Stato.IN_ATTESA),
                                   to_attr="in_attesa"))
        .order_by("-versione")
    )


def chiusura_in_attesa(cartella: Cartella) -> Approvazione | None:
    return Approvazione.objects.filter(cartella=cartella,
                                       tipo=Approvazione.Tipo.CHIUSURA_CARTELLA,
                                       stato=Approvazione.Stato.IN_ATTESA).first()


def verifiche_scadute(user: Any, *, solo_mie: bool = False,
                      oggi: date | None = None) -> QuerySet[VerificaPAI]:
    """Reviews of plans in force that should have happened before today and have not been
    recorded: of the PAI the user answers for or of the cases they are enabled on; for who
    sees every case, all of the comune (unless ``solo_mie``)."""
    oggi = oggi or timezone.localdate()
    qs = VerificaPAI.objects.filter(
        data_effettuata__isnull=True, data_prevista__lt=oggi, pai__stato=PAI.Stato.APPROVATO,
        pai__cartella__in=_visible_ids(user).exclude(stato=Cartella.Stato.CHIUSA),
    )
    if solo_mie or not _can(user, Capability.VIEW_ALL_CARTELLE):
        responsabile = ResponsabilePAI.objects.filter(pai=OuterRef("pai"), user_id=user.pk)
        abilitato = OperatoreCartella.objects.filter(cartella=OuterRef("pai__cartella"),
                                                     user_id=user.pk, al__isnull=True)
        qs = qs.filter(Exists(responsabile) | Exists(abilitato))
    return (qs.select_related("pai__cartella__persona")
            .prefetch_related("pai__responsabili")
            .order_by("data_prevista", "id"))


def approvazioni_in_attesa(user: Any) -> QuerySet[Approvazione]:
    """What waits for this approver's decision (nothing for who cannot approve)."""
    if not _can(user, Capability.APPROVE_PAI):
        return Approvazione.objects.none()
    return (Approvazione.objects.filter(stato=Approvazione.Stato.IN_ATTESA,
                                        cartella__in=_visible_ids(user))
            .select_related("cartella__persona", "pai")
            .order_by("richiesta_il", "id"))


def richieste_di(user: Any) -> QuerySet[Approvazione]:
    """The requests this user sent that still wait for a decision."""
    return (Approvazione.objects.filter(richiesta_da_id=user.pk,
                                        stato=Approvazione.Stato.IN_ATTESA,
                                        cartella__in=_visible_ids(user))
            .select_related("cartella__persona", "pai")
            .order_by("richiesta_il", "id"))


def notifiche_di(user: Any, *, solo_non_lette: bool = True) -> QuerySet[Notifica]:
    qs = Notifica.objects.filter(destinatario_id=user.pk)
    if solo_non_lette:
        qs = qs.filter(letta=False)
    return qs.order_by("-created_at", "-id")


def notifica_for_user(user: Any, public_id: UUID) -> Notifica:
    notifica = Notifica.objects.filter(public_id=public_id, destinatario_id=user.pk).first()
    if notifica is None:
        raise Http404
    return notifica


# --- dashboard ------------------------------------------------------------------------------

class Mediana(Aggregate):
    """PostgreSQL's continuous median."""

    function = "PERCENTILE_CONT"
    name = "mediana"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class GiorniTra(Func):
    """Whole days from the second date to the first (date minus date is an integer)."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()


def carico_di(user: Any) -> QuerySet[Cartella]:
    """The user's own caseload: cases not closed on which they are enabled."""
    abilitato = OperatoreCartella.objects.filter(cartella=OuterRef("pk"), user_id=user.pk,
                                                 al__isnull=True)
    return (cartelle_visibili(user).filter(Exists(abilitato), sola_lettura=False)
            .exclude(stato=Cartella.Stato.CHIUSA)
            .order_by("persona__cognome", "persona__nome", "id"))


def carico_per_operatore(user: Any) -> list[dict]:
    """Per operator: cases not closed they are enabled on (open, suspended, total)."""
    aperte = Cartella.Stato.APERTA
    sospese = Cartella.Stato.SOSPESA
    rows = (
        OperatoreCartella.objects.filter(
            al__isnull=True, cartella__sola_lettura=False,
            cartella__in=_visible_ids(user).exclude(stato=Cartella.Stato.CHIUSA))
        .values("user_id")
        .annotate(operatore=Max("user_label"),
                  aperte=Count("cartella", distinct=True, filter=Q(cartella__stato=aperte)),
                  sospese=Count("cartella", distinct=True, filter=Q(cartella__stato=sospese)),
                  totale=Count("cartella", distinct=True))
        .order_by("-totale", "operatore", "user_id")
    )
    return list(rows)


@dataclass(frozen=True)
class Tempi:
    """Days between two moments of a case, over the cases counted."""

    casi: int
    media: float | None
    mediana: float | None


def _tempi(qs: QuerySet, giorni: GiorniTra) -> Tempi:
    row = qs.annotate(giorni=giorni).aggregate(casi=Count("pk"), media=Avg("giorni"),
                                               mediana=Mediana("giorni"))
    return Tempi(casi=row["casi"], media=row["media"], mediana=row["mediana"])


def tempi_presa_in_carico(user: Any, *, dal: date, al: date) -> Tempi:
    """From the contact (scheda di accesso) to the opening of the case file, for the cases
    opened from a scheda between ``dal`` and ``al``."""
    qs = cartelle_visibili(user).filter(scheda_origine__isnull=False,
                                        data_apertura__range=(dal, al))
    return _tempi(qs, GiorniTra(F("data_apertura"), TruncDate("scheda_origine__data")))


def tempi_chiusura(user: Any, *, dal: date, al: date) -> Tempi:
    """From opening to closure, for the cases closed between ``dal`` and ``al``."""
    qs = cartelle_visibili(user).filter(stato=Cartella.Stato.CHIUSA,
                                        data_chiusura__range=(dal, al))
    return _tempi(qs, GiorniTra(F("data_chiusura"), F("data_apertura")))


def schede_in_attesa() -> int:
    """Schede forwarded to the social workers and not yet assessed."""
    return SchedaAccesso.objects.filter(stato=SchedaAccesso.Stato.INOLTRATA).count()


def scheda_piu_vecchia_in_attesa() -> Any:
    return (SchedaAccesso.objects.filter(stato=SchedaAccesso.Stato.INOLTRATA)
            .aggregate(m=Min("data"))["m"])


def pai_per_stato(user: Any) -> dict[str, int]:
    rows = (PAI.objects.filter(cartella__in=_visible_ids(user))
            .values("stato").annotate(n=Count("pk")).order_by())
    return {r["stato"]: r["n"] for r in rows}
