"""How persons are paid: the payment method of a beneficiary or of a delegate
(``ModalitaPagamento``), set with ``modalita_pagamento_set`` and read by the atto di
liquidazione, which refuses a line to a person with none."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from services.anagrafica.models import Persona
from services.anagrafica.services import Actor
from services.core.audit import audit_log
from services.core.errors import ValidationFailed
from services.fornitori.validators import normalize_iban

from .models import ModalitaPagamento


def modalita_pagamento_set(*, actor: Actor, persona: Persona, tipo: str, iban: str = "",
                           intestatario: str = "", delegato: Persona | None = None,
                           note: str = "") -> ModalitaPagamento:
    """Record how ``persona`` is paid from now on; the method in force before is kept, no
    longer in force. An IBAN is checked (country, length, check digits); a delegate must be
    another person who has a payment method of their own (not a further delegation)."""
    if tipo not in ModalitaPagamento.Tipo.values:
        raise ValidationFailed(_("Scegli la modalità di pagamento."), field="tipo")
    iban = (iban or "").strip()
    intestatario = (intestatario or "").strip()
    if tipo == ModalitaPagamento.Tipo.BONIFICO:
        if not iban:
            raise ValidationFailed(_("Per il bonifico indica l'IBAN."), field="iban")
        iban = normalize_iban(iban)
    elif iban:
        raise ValidationFailed(_("L'IBAN si indica solo per il bonifico."), field="iban")
    if tipo == ModalitaPagamento.Tipo.DELEGATO:
        if delegato is None:
            raise ValidationFailed(_("Indica la persona delegata a riscuotere."),
                                   field="delegato")
        if delegato.pk == persona.pk:
            raise ValidationFailed(_("Il delegato deve essere un'altra persona."),
                                   field="delegato")
        sua = in_vigore(delegato)
        if sua is None or sua.tipo == ModalitaPagamento.Tipo.DELEGATO:
            raise ValidationFailed(
                _("%(d)s non ha una modalità di pagamento propria: registrala prima per il "
                  "delegato.") % {"d": delegato.nome_completo}, field="delegato")
    else:
        delegato = None
    with transaction.atomic():
        Persona.objects.select_for_update().filter(pk=persona.pk).first()
        prima = in_vigore(persona)
        if prima is not None:
            prima.in_vigore = False
            prima.save(update_fields=["in_vigore", "updated_at"])
        modalita = ModalitaPagamento(persona=persona, tipo=tipo, iban=iban,
                                     intestatario=intestatario, delegato=delegato,
                                     note=(note or "").strip())
        modalita.full_clean(validate_constraints=False, validate_unique=False)
        modalita.save()
        audit_log(action="modalita_pagamento.registrata", actor=actor.user, obj=persona,
                  ip_address=actor.ip_address,
                  payload={"tipo": tipo, "iban": iban[-4:] and f"…{iban[-4:]}",
                           "delegato": str(delegato.public_id) if delegato else None,
                           "prima": prima.tipo if prima is not None else None})
    return modalita


def in_vigore(persona: Persona | int) -> ModalitaPagamento | None:
    pk: int = persona.pk if isinstance(persona, Persona) else persona
    return (ModalitaPagamento.objects.filter(persona_id=pk, in_vigore=True)
            .select_related("delegato").first())


def descrizioni_per_persone(persona_ids: Iterable[int]) -> dict[int, str]:
    """For each person who can be paid, how, as the atto di liquidazione prints it (a
    delegate's own method included). A person missing from the result cannot be paid."""
    ids = set(persona_ids)
    modalita = {m.persona_id: m for m in ModalitaPagamento.objects.filter(
        persona_id__in=ids, in_vigore=True).select_related("delegato")}
    deleghe = {m.delegato_id for m in modalita.values() if m.delegato_id is not None}
    dei_delegati: dict[int, Any] = {m.persona_id: m for m in ModalitaPagamento.objects.filter(
        persona_id__in=deleghe, in_vigore=True).exclude(tipo=ModalitaPagamento.Tipo.DELEGATO)}
    out: dict[int, str] = {}
    for pid, m in modalita.items():
        if m.tipo != ModalitaPagamento.Tipo.DELEGATO:
            out[pid] = m.descrizione
        elif m.delegato_id in dei_delegati:
            out[pid] = f"{m.descrizione}: {dei_delegati[m.delegato_id].descrizione}"
    return out
