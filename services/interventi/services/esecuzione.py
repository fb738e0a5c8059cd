"""An intervention under way: its funding from a determina, its conclusion, its
cancellation (with the instalments not yet paid)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.anagrafica.services import Actor
from services.core.errors import NotAllowed, ValidationFailed

from ..models import Intervento, Pagamento
from .pagamenti import STATI_IMPEGNATI
from .proposte import _domanda_segue, proposta_verifica_gestibile
from .scritture import _audit, _lock, _lock_determina_of


def _annulla_rate(intervento: Intervento, *, dopo: date | None = None) -> int:
    rate = Pagamento.objects.filter(intervento=intervento, stato=Pagamento.Stato.DA_LIQUIDARE)
    if dopo is not None:
        rate = rate.filter(competenza__gt=dopo)
    return rate.update(stato=Pagamento.Stato.ANNULLATO, updated_at=timezone.now())


def intervento_concludi(*, actor: Actor, intervento: Intervento, data_fine: date,
                        motivo: str) -> Intervento:
    """End an approved intervention on ``data_fine``: instalments after it are cancelled."""
    motivo = (motivo or "").strip()
    if not motivo:
        raise ValidationFailed(_("Indica il motivo della conclusione."), field="motivo")
    if data_fine is None:
        raise ValidationFailed(_("Indica la data di conclusione."), field="data_fine")
    with transaction.atomic():
        locked = _lock(intervento)
        if locked.stato not in (Intervento.Stato.APPROVATO, Intervento.Stato.IN_CORSO):
            raise ValidationFailed(_("Si conclude solo un intervento approvato o in corso."))
        if locked.data_inizio and data_fine < locked.data_inizio:
            raise ValidationFailed(_("La data di fine non può precedere quella di inizio."),
                                   field="data_fine")
        annullate = _annulla_rate(locked, dopo=date(data_fine.year, data_fine.month, 1))
        locked.stato = Intervento.Stato.CONCLUSO
        locked.data_fine = data_fine
        locked.note = f"{locked.note}\n{motivo}".strip()
        locked.save(update_fields=["stato", "data_fine", "note", "updated_at"])
        _audit(actor, "intervento.concluso", locked,
               {"data_fine": data_fine.isoformat(), "motivo": motivo, "rate_annullate": annullate})
        _domanda_segue(actor, locked)
    return locked


def intervento_annulla(*, actor: Actor, intervento: Intervento, motivo: str) -> Intervento:
    """Cancel an intervention nothing has been paid on yet."""
    motivo = (motivo or "").strip()
    if not motivo:
        raise ValidationFailed(_("Indica il motivo dell'annullamento."), field="motivo")
    with transaction.atomic():
        locked = _lock(intervento)
        if locked.stato in (Intervento.Stato.ANNULLATO, Intervento.Stato.RESPINTO,
                            Intervento.Stato.CONCLUSO):
            raise ValidationFailed(_("L'intervento è già %(s)s.")
                                   % {"s": locked.get_stato_display().lower()})
        if locked.stato == Intervento.Stato.PROPOSTO:
            # Cancelling a proposal is withdrawing it: the same people may do it.
            proposta_verifica_gestibile(actor.user, locked)
        if locked.pagamenti.filter(stato=Pagamento.Stato.LIQUIDATO).exists():
            raise ValidationFailed(
                _("Alcuni pagamenti sono già stati liquidati: concludi l'intervento invece di "
                  "annullarlo."))
        annullate = _annulla_rate(locked)
        locked.stato = Intervento.Stato.ANNULLATO
        locked.note = f"{locked.note}\n{motivo}".strip()
        locked.save(update_fields=["stato", "note", "updated_at"])
        _audit(actor, "intervento.annullato", locked, {"motivo": motivo,
                                                       "rate_annullate": annullate})
        _domanda_segue(actor, locked)
    return locked


def intervento_assegna_determina(*, actor: Actor, intervento: Intervento,
                                 determina: Any | None) -> Intervento:
    """Fund an intervention from a determina (or detach it with None). The approved
    interventions on a determina may not commit more than it does."""
    from services.determine.models import Determina
    from services.determine.services import determina_verifica_capienza

    with transaction.atomic():
        _lock_determina_of(intervento)
        if determina is not None:
            Determina.objects.select_for_update().filter(pk=determina.pk).first()
        locked = _lock(intervento)
        if locked.stato in (Intervento.Stato.ANNULLATO, Intervento.Stato.RESPINTO):
            raise ValidationFailed(_("L'intervento è %(s)s.") % {"s": locked.get_stato_display().lower()})
        if determina is not None:
            if determina.stato != Determina.Stato.ESECUTIVA:
                raise ValidationFailed(_("La determina non è esecutiva."), field="determina")
            if locked.stato in STATI_IMPEGNATI:
                determina_verifica_capienza(determina_id=determina.pk, aggiunta=locked)
        elif locked.pagamenti.filter(stato=Pagamento.Stato.LIQUIDATO).exists():
            raise NotAllowed(_("Ci sono pagamenti già liquidati su questa determina."))
        prima = locked.determina_id
        locked.determina = determina
        locked.save(update_fields=["determina", "updated_at"])
        _audit(actor, "intervento.determina", locked,
               {"prima": prima, "dopo": determina.pk if determina is not None else None})
    return locked
