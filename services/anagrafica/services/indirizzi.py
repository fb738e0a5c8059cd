"""Residence and domicile: a new address closes the current one the day before."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from services.core.errors import ValidationFailed
from services.core.text import fold

from ..models import Indirizzo, Persona
from .scritture import Actor, _audit, _required


def _indirizzo_open(persona: Persona, *, tipo: str, via: str, comune: str, dal: date,
                    civico: str = "", cap: str = "", comune_istat: str = "",
                    provincia: str = "") -> Indirizzo:
    via = _required(via, "via", _("indirizzo"))
    comune = _required(comune, "comune", _("comune"))
    if cap and not (cap.isdigit() and len(cap) == 5):
        raise ValidationFailed(_("Il CAP è di 5 cifre."), field="cap")
    if comune_istat and not (comune_istat.isdigit() and len(comune_istat) == 6):
        raise ValidationFailed(_("Il codice ISTAT del comune è di 6 cifre."), field="comune_istat")
    return Indirizzo.objects.create(
        persona=persona, tipo=tipo, via=via, civico=(civico or "").strip(), cap=cap,
        comune=comune, comune_istat=comune_istat, provincia=(provincia or "").upper()[:2],
        dal=dal, search_text=fold(f"{via} {civico} {comune}"),
    )


def indirizzo_cambia(*, actor: Actor, persona: Persona, tipo: str, dal: date,
                     **address: Any) -> Indirizzo:
    """A new residence or domicile from ``dal``; the current one ends the day before."""
    if tipo not in Indirizzo.Tipo.values:
        raise ValidationFailed(_("Tipo di indirizzo non valido."), field="tipo")
    if dal is None:
        raise ValidationFailed(_("Indica da quando vale il nuovo indirizzo."), field="dal")
    with transaction.atomic():
        current = (Indirizzo.objects.select_for_update()
                   .filter(persona=persona, tipo=tipo, al__isnull=True).first())
        if current is not None:
            if dal <= current.dal:
                raise ValidationFailed(
                    _("Il nuovo indirizzo deve decorrere dopo il %(d)s, inizio di quello attuale.")
                    % {"d": current.dal.strftime("%d/%m/%Y")},
                    field="dal",
                )
            current.al = dal - timedelta(days=1)
            current.save(update_fields=["al", "updated_at"])
        nuovo = _indirizzo_open(persona, tipo=tipo, dal=dal, **address)
        _audit(actor, "persona.indirizzo_cambiato", persona, {"tipo": tipo})
    return nuovo
