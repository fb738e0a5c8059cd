"""Merging a duplicate into the kept record, with the hooks through which the other apps
move their rows."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.core.errors import ValidationFailed

from ..models import CondizioneSociale, Indirizzo, MembroNucleo, Persona, Riferimento
from .scritture import Actor, _audit

MergeHook = Callable[[Persona, Persona], int]
_merge_hooks: list[MergeHook] = []


def register_merge_hook(hook: MergeHook) -> MergeHook:
    """Other apps (case files, applications, ...) move their rows from the duplicate to the
    kept record here; each hook returns how many rows it moved."""
    _merge_hooks.append(hook)
    return hook


@register_merge_hook
def _move_registry_rows(tieni: Persona, elimina: Persona) -> int:
    moved = 0
    # Only one current address per type: the kept record's wins, the other is closed.
    for tipo in Indirizzo.Tipo.values:
        if Indirizzo.objects.filter(persona=tieni, tipo=tipo, al__isnull=True).exists():
            Indirizzo.objects.filter(persona=elimina, tipo=tipo, al__isnull=True).update(
                al=timezone.localdate())
    moved += Indirizzo.objects.filter(persona=elimina).update(persona=tieni)
    moved += CondizioneSociale.objects.filter(persona=elimina).update(persona=tieni)
    if MembroNucleo.objects.filter(persona=tieni, al__isnull=True).exists():
        MembroNucleo.objects.filter(persona=elimina, al__isnull=True).update(al=timezone.localdate())
    moved += MembroNucleo.objects.filter(persona=elimina).update(persona=tieni)
    moved += Riferimento.objects.filter(persona=elimina).exclude(riferimento=tieni).update(persona=tieni)
    moved += Riferimento.objects.filter(riferimento=elimina).exclude(persona=tieni).update(riferimento=tieni)
    return moved


def persona_unisci(*, actor: Actor, tieni: Persona, elimina: Persona) -> Persona:
    """Merge a duplicate into the kept record. The duplicate stays (state 'unita', pointing
    to the kept one) so its history and audit trail remain readable."""
    if tieni.pk == elimina.pk:
        raise ValidationFailed(_("Scegli due schede diverse."))
    if elimina.stato == Persona.Stato.UNITA or tieni.stato == Persona.Stato.UNITA:
        raise ValidationFailed(_("Una delle due schede è già stata unita a un'altra."))
    if (tieni.codice_fiscale and elimina.codice_fiscale
            and tieni.codice_fiscale != elimina.codice_fiscale):
        raise ValidationFailed(
            _("Le due schede hanno codici fiscali diversi: non sono la stessa persona."),
            field="codice_fiscale",
        )
    with transaction.atomic():
        moved = sum(hook(tieni, elimina) for hook in _merge_hooks)
        update = ["stato", "unita_in", "updated_at"]
        if not tieni.codice_fiscale and elimina.codice_fiscale:
            tieni.codice_fiscale = elimina.codice_fiscale
            tieni.luogo_nascita_belfiore = elimina.luogo_nascita_belfiore
        elimina.stato = Persona.Stato.UNITA
        elimina.unita_in = tieni
        elimina.save(update_fields=update)
        tieni.save(update_fields=["codice_fiscale", "luogo_nascita_belfiore", "updated_at"])
        _audit(actor, "persona.unita", tieni,
               {"duplicato": str(elimina.public_id), "righe_spostate": moved})
        _audit(actor, "persona.unita_in", elimina, {"in": str(tieni.public_id)})
    return tieni
