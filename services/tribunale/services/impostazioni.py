"""The ente's own setting for the juvenile court: the tribunal its proceedings come from."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from services.anagrafica.services import Actor
from services.core.audit import audit_log
from services.core.errors import ValidationFailed

from ..models import Impostazioni


def impostazioni_aggiorna(*, actor: Actor, tribunale_predefinito: str) -> Impostazioni:
    """Set the tribunal offered for new proceedings (empty: the one of the region, when the
    region has only one)."""
    valore = " ".join((tribunale_predefinito or "").split())
    if len(valore) > 200:
        raise ValidationFailed(_("Il nome del tribunale è al massimo di 200 caratteri."),
                               field="tribunale_predefinito")
    with transaction.atomic():
        impostazioni, _created = Impostazioni.objects.select_for_update().get_or_create(
            singleton=True)
        prima = impostazioni.tribunale_predefinito
        if prima != valore:
            impostazioni.tribunale_predefinito = valore
            impostazioni.full_clean()
            impostazioni.save(update_fields=["tribunale_predefinito", "updated_at"])
            audit_log(action="tribunale.impostazioni_aggiornate", actor=actor.user,
                      obj=impostazioni, payload={"prima": prima, "dopo": valore},
                      ip_address=actor.ip_address)
    return impostazioni
