"""The professional diary of a case: interviews, home visits, calls, notes, team meetings.

Entries are never edited or deleted: a correction is a new entry. A private entry is read
only by its author and by the case's responsible (``selectors.voci_diario_visibili``).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.anagrafica.services import Actor
from services.core.audit import audit_log
from services.core.errors import ValidationFailed

from .models import Cartella, VoceDiario
from .services import _label, ensure_writable


def voce_diario_crea(*, actor: Actor, cartella: Cartella, tipo: str, data: date | None,
                     testo: str, riservata: bool = False) -> VoceDiario:
    ensure_writable(cartella)
    if tipo not in VoceDiario.Tipo.values:
        raise ValidationFailed(_("Scegli il tipo di voce."), field="tipo")
    if data is None:
        raise ValidationFailed(_("Indica la data."), field="data")
    if data > timezone.localdate():
        raise ValidationFailed(_("La data non può essere nel futuro."), field="data")
    testo = (testo or "").strip()
    if not testo:
        raise ValidationFailed(_("Scrivi il testo della voce."), field="testo")
    with transaction.atomic():
        voce = VoceDiario.objects.create(cartella=cartella, tipo=tipo, data=data, testo=testo,
                                         riservata=riservata, autore_id=actor.user.pk,
                                         autore_label=_label(actor.user))
        # The text is special-category data: the trail says that an entry was written, not what.
        audit_log(action="cartella.diario_scritto", actor=actor.user, obj=cartella,
                  payload={"voce": str(voce.public_id), "tipo": tipo, "riservata": riservata},
                  ip_address=actor.ip_address)
    return voce
