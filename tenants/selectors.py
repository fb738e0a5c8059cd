"""Reads of the platform registry."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Comune, Ente, Membership, User, Zona


def membership_for(user: User, ente: Ente) -> Membership | None:
    if not getattr(user, "is_authenticated", False) or getattr(ente, "pk", None) is None:
        return None
    return (
        Membership.objects.filter(user=user, ente_id=ente.pk, is_active=True)
        .select_related("ente")
        .first()
    )


def memberships_of(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, is_active=True, ente__is_active=True)
        .select_related("ente")
        .prefetch_related("ente__domains")
        .order_by("ente__type", "ente__name")
    )


def active_schema_names(tenant_type: str | None = None) -> list[str]:
    """Schemas of working tenants (templates and deactivated ones excluded)."""
    qs = Ente.objects.filter(is_active=True, is_template=False).exclude(type=Ente.Type.PUBLIC)
    if tenant_type:
        qs = qs.filter(type=tenant_type)
    return list(qs.order_by("schema_name").values_list("schema_name", flat=True))


def zona_id_of(ente: object) -> int | None:
    """The zone an ente works in: a comune's zone, or the zone itself for the ufficio di
    piano (which may manage services for all its comuni). None for the region and the
    platform."""
    tipo, pk = getattr(ente, "type", None), getattr(ente, "pk", None)
    if pk is None:
        return None
    if tipo == Ente.Type.COMUNE:
        return Comune.objects.filter(ente_id=pk).values_list("zona_id", flat=True).first()
    if tipo == Ente.Type.ZONA:
        return Zona.objects.filter(ente_id=pk).values_list("pk", flat=True).first()
    return None


def comuni_of_zona(zona_id: int) -> QuerySet[Comune]:
    return Comune.objects.filter(zona_id=zona_id).select_related("ente").order_by("name")


def primary_domain(ente: Ente) -> str | None:
    domain = ente.get_primary_domain()
    return domain.domain if domain else None
