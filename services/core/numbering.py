"""Progressive numbers ('2026/000042') per schema, key and year."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from .models import Contatore


def next_number(key: str, year: int) -> str:
    """Call inside the transaction that uses the number: a rollback gives it back."""
    with transaction.atomic():
        Contatore.objects.get_or_create(chiave=key, anno=year)
        Contatore.objects.filter(chiave=key, anno=year).update(valore=F("valore") + 1)
        value = Contatore.objects.select_for_update().get(chiave=key, anno=year).valore
    return f"{year}/{value:06d}"
