"""Reads of determine and liquidazioni, and the committed / liquidated / remaining summary
(aggregated in SQL, Decimal throughout)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from services.core.letture import AccessoNegato, audit_read

from . import liquidabili
from .liquidabili import Voce
from .models import ZERO, Determina, Liquidazione

MONEY: DecimalField[Any, Any] = DecimalField(max_digits=14, decimal_places=2)


def _by_public_id(qs: QuerySet, public_id: Any) -> Any:
    try:
        obj = qs.filter(public_id=public_id).first()
    except (ValueError, TypeError, ValidationError):
        obj = None
    if obj is None:
        raise Http404
    return obj


def get_determina(public_id: Any) -> Determina:
    return _by_public_id(Determina.objects.select_related("servizio"), public_id)


def storia_determina(determina: Determina) -> QuerySet:
    """Registration, rectifications and annulment of the determina, newest first."""
    from services.core.models import AuditEntry

    return AuditEntry.objects.filter(object_type="determine.determina",
                                     object_id=str(determina.public_id)).order_by("-at", "-id")


def get_liquidazione(public_id: Any) -> Liquidazione:
    return _by_public_id(Liquidazione.objects.select_related("determina"), public_id)


def _can_manage(user: Any) -> bool:
    from tenants.roles import Capability, permission_name

    return bool(user.is_authenticated
                and user.has_perm(permission_name(Capability.MANAGE_DETERMINE)))


def get_determina_for_user(user: Any, public_id: Any, *, ip_address: str | None,
                           log_read: bool = True, pagina: str = "") -> Determina:
    """A determina (its page lists the beneficiaries of the interventions it funds) for
    someone who manages acts, or 404 (missing or not allowed look the same; the refusal is
    audited by the middleware). The read is audited (``determina.letta``)."""
    if not _can_manage(user):
        raise AccessoNegato("determine.determina", public_id)
    try:
        determina = get_determina(public_id)
    except Http404:
        raise AccessoNegato("determine.determina", public_id) from None
    if log_read:
        audit_read(user=user, obj=determina, action="determina.letta", ip_address=ip_address,
                   payload={"pagina": pagina} if pagina else None)
    return determina


def get_liquidazione_for_user(user: Any, public_id: Any, *, ip_address: str | None,
                              log_read: bool = True) -> Liquidazione:
    """An atto di liquidazione (who is paid, how much) for someone who manages acts, or
    404; the read is audited (``liquidazione.letta``)."""
    if not _can_manage(user):
        raise AccessoNegato("determine.liquidazione", public_id)
    try:
        liquidazione = get_liquidazione(public_id)
    except Http404:
        raise AccessoNegato("determine.liquidazione", public_id) from None
    if log_read:
        audit_read(user=user, obj=liquidazione, action="liquidazione.letta",
                   ip_address=ip_address)
    return liquidazione


def voci_da_liquidare(determina: Determina) -> list[tuple[Any, list[Voce]]]:
    """What every registered kind offers to pay on ``determina``: (kind, items)."""
    return [(kind, kind.da_liquidare(determina=determina)) for kind in liquidabili.all_kinds()]


def _impegno_effettivo() -> Case:
    """An annulled determina commits only what it liquidated (``Determina.impegno_effettivo``)."""
    return Case(When(stato=Determina.Stato.ANNULLATA, then=F("importo_liquidato")),
                default=F("importo_impegnato"), output_field=MONEY)


def _residuo() -> ExpressionWrapper:
    return ExpressionWrapper(F("impegnato") - F("liquidato"), output_field=MONEY)


def riepilogo_per_determina(esercizio: int | None = None) -> QuerySet[Determina]:
    qs = Determina.objects.select_related("servizio")
    if esercizio:
        qs = qs.filter(esercizio=esercizio)
    return qs.annotate(
        impegnato=_impegno_effettivo(), liquidato=F("importo_liquidato"),
    ).annotate(residuo=_residuo()).order_by("-esercizio", "numero")


def riepilogo_per_servizio(esercizio: int | None = None) -> list[dict[str, Any]]:
    qs = Determina.objects.all()
    if esercizio:
        qs = qs.filter(esercizio=esercizio)
    rows = (qs.values("servizio__nome")
            .annotate(impegnato=Coalesce(Sum(_impegno_effettivo()), Value(ZERO), output_field=MONEY),
                      liquidato=Coalesce(Sum("importo_liquidato"), Value(ZERO), output_field=MONEY),
                      determine=Count("id"))
            .annotate(residuo=_residuo()).order_by("servizio__nome"))
    return list(rows)


def riepilogo_per_anno() -> list[dict[str, Any]]:
    rows = (Determina.objects.values("esercizio")
            .annotate(impegnato=Coalesce(Sum(_impegno_effettivo()), Value(ZERO), output_field=MONEY),
                      liquidato=Coalesce(Sum("importo_liquidato"), Value(ZERO), output_field=MONEY),
                      determine=Count("id"))
            .annotate(residuo=_residuo()).order_by("-esercizio"))
    return list(rows)


def voce_piano_di(determina: Determina) -> Any:
    """The piano di zona line the determina funds (public schema), if any."""
    if determina.voce_piano is None:
        return None
    from zone.piano.models import VocePiano

    return VocePiano.objects.filter(public_id=determina.voce_piano).select_related("piano").first()


def voci_piano_del_comune() -> list:
    """Lines of the piano di zona of the zone the current ente works in (plans of last year,
    this year and next, not closed) a determina may fund."""
    from django.db import connection
    from django.utils import timezone

    from tenants.selectors import zona_id_of
    from zone.piano.selectors import voci_della_zona

    zona_id = zona_id_of(getattr(connection, "tenant", None))
    if zona_id is None:
        return []
    anno = timezone.localdate().year
    seen: dict = {}
    for a in (anno - 1, anno, anno + 1):
        for voce in voci_della_zona(zona_id, anno=a):
            seen.setdefault(voce.pk, voce)
    return list(seen.values())
