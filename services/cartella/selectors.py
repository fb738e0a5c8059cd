"""The one place that decides who reads a case file. Pages, API and exports get case files
only through these functions, and every read is written to the audit trail."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet

from services.core.letture import AccessoNegato, audit_list, audit_read
from tenants.roles import Capability, permission_name

from .models import Cartella, OperatoreCartella


def _can(user: Any, capability: str) -> bool:
    return bool(user.is_authenticated and user.has_perm(permission_name(capability)))


def cartelle_visibili(user: Any) -> QuerySet[Cartella]:
    """Case files ``user`` may read: those they are enabled on, or all for the roles that
    see every case of the comune. Nothing for anyone else."""
    if not _can(user, Capability.VIEW_CARTELLA):
        return Cartella.objects.none()
    qs = Cartella.objects.select_related("persona")
    if _can(user, Capability.VIEW_ALL_CARTELLE):
        return qs
    enabled = OperatoreCartella.objects.filter(cartella=OuterRef("pk"), user_id=user.pk,
                                               al__isnull=True)
    return qs.filter(Exists(enabled))


def is_enabled_on(user: Any, cartella: Cartella) -> bool:
    return OperatoreCartella.objects.filter(cartella=cartella, user_id=user.pk,
                                            al__isnull=True).exists()


def can_change(user: Any, cartella: Cartella) -> bool:
    """Open, close, plan, enable operators: the social worker's own acts."""
    return _can(user, Capability.MANAGE_CARTELLA) and is_enabled_on(user, cartella)


def can_contribute(user: Any, cartella: Cartella) -> bool:
    """Write in the diary and add documents: every profession enabled on the case."""
    return _can(user, Capability.WRITE_DIARIO) and is_enabled_on(user, cartella)


def get_cartella_for_user(user: Any, public_id: Any, *, write: bool = False,
                          contribute: bool = False, ip_address: str | None = None) -> Cartella:
    """The case file, or 404 whether it is missing or not this user's to read. With
    ``write`` the user must also be allowed to change case files and be enabled on it; with
    ``contribute`` (diary, documents) enabled operators of every case-work profession may
    write, educators and psychologists included."""
    try:
        cartella = cartelle_visibili(user).filter(public_id=public_id).first()
    except (ValueError, TypeError, ValidationError):  # not a UUID
        cartella = None
    if (cartella is None or (write and not can_change(user, cartella))
            or (contribute and not can_contribute(user, cartella))):
        # Recorded as a refused attempt (services.core.middleware), with the id asked for.
        raise AccessoNegato("cartella.cartella", public_id)
    audit_read(user=user, obj=cartella, ip_address=ip_address,
               action="cartella.scrittura" if write or contribute else "cartella.letta")
    return cartella


def audit_cartelle_page(user: Any, *, ip_address: str | None, filtro: dict, righe: int,
                        pagina: int) -> None:
    """One entry for a page of the list of case files (the filter and how many rows)."""
    audit_list(user=user, action="cartella.elenco", ip_address=ip_address, filtro=filtro,
               righe=righe, pagina=pagina)


def lettori_cartella(cartella: Cartella) -> QuerySet:
    """Who read or changed the case, when and from where (for the dirigente)."""
    from services.core.models import AuditEntry

    return AuditEntry.objects.filter(object_type="cartella.cartella",
                                     object_id=str(cartella.public_id)).order_by("-at", "-id")


# --- reads of the case's content (the case itself already obtained through the helper above)


def voci_diario_visibili(user: Any, cartella: Cartella) -> QuerySet:
    """The diary as ``user`` may read it: private entries only for their author and for the
    case's responsible."""
    from django.db.models import Q

    from .models import VoceDiario

    qs = VoceDiario.objects.filter(cartella=cartella)
    if user.pk == cartella.responsabile_id:
        return qs
    return qs.filter(Q(riservata=False) | Q(autore_id=user.pk))


def schede_da_valutare() -> QuerySet:
    """Schede the front office forwarded to the social workers, oldest first, each with the
    person's case file (if any) so the list can say who already follows them."""
    from django.db.models import Subquery

    from services.accesso.models import SchedaAccesso

    cartelle = Cartella.objects.filter(persona=OuterRef("utente_id"))
    return (
        SchedaAccesso.objects.filter(stato=SchedaAccesso.Stato.INOLTRATA)
        .select_related("utente")
        .annotate(
            cartella_numero=Subquery(cartelle.values("numero")[:1]),
            cartella_stato=Subquery(cartelle.values("stato")[:1]),
            cartella_responsabile=Subquery(cartelle.values("responsabile_label")[:1]),
        )
        .order_by("data", "id")
    )
