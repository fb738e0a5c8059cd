from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import QuerySet

from services.cartella.selectors import cartelle_visibili

from .models import Trasferimento


def in_arrivo() -> QuerySet[Trasferimento]:
    return Trasferimento.objects.filter(destinatario=connection.tenant).select_related(  # type: ignore[attr-defined]
        "mittente")


def in_uscita(user: Any) -> QuerySet[Trasferimento]:
    """Only the transfers of case files this user may read: a transfer reveals a case."""
    visible = cartelle_visibili(user).values_list("public_id", flat=True)
    return Trasferimento.objects.filter(mittente=connection.tenant,  # type: ignore[attr-defined]
                                        cartella_origine__in=list(visible)).select_related("destinatario")
