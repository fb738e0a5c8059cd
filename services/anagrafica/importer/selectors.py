"""Reads of the register imports."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from services.anagrafica.models import ImportAnagrafe
from services.core.errors import NotFound


def importazioni_elenco() -> QuerySet[ImportAnagrafe]:
    return ImportAnagrafe.objects.order_by("-created_at", "-id")


def get_importazione(public_id: UUID | str) -> ImportAnagrafe:
    importazione = ImportAnagrafe.objects.filter(public_id=public_id).first()
    if importazione is None:
        raise NotFound(_("Importazione non trovata."))
    return importazione


def stesso_file_gia_importato(importazione: ImportAnagrafe) -> ImportAnagrafe | None:
    """An earlier import of the very same file (same SHA-256), if there is one."""
    return (ImportAnagrafe.objects.filter(sha256=importazione.sha256)
            .exclude(pk=importazione.pk).order_by("-created_at").first())
