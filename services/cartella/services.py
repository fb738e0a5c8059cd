"""Opening, suspending, closing and reopening case files, and who is enabled on them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from services.accesso.models import AreaTarget, SchedaAccesso
from services.anagrafica.models import Persona
from services.anagrafica.services import Actor, register_merge_hook
from services.core.audit import audit_log
from services.core.errors import AmbitoError, NotAllowed, ValidationFailed
from services.core.numbering import next_number

from .hooks import run_on_close
from .models import (
    AvvisoCartella,
    Cartella,
    ImpostazioniCartella,
    MovimentoCartella,
    OperatoreCartella,
)


class ApprovalRequired(AmbitoError):
    """The comune wants the dirigente to approve this decision first."""

    code = "approvazione_necessaria"


def _label(user: Any) -> str:
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or getattr(user, "email", "") or str(user)


def _audit(actor: Actor, action: str, cartella: Cartella, payload: dict | None = None) -> None:
    audit_log(action=action, actor=actor.user, obj=cartella, payload=payload or {},
              ip_address=actor.ip_address)


def _movimento(actor: Actor, cartella: Cartella, tipo: str, data: date, motivo: str) -> None:
    MovimentoCartella.objects.create(cartella=cartella, tipo=tipo, data=data, motivo=motivo,
                                     operatore_id=getattr(actor.user, "pk", None),
                                     operatore_label=_label(actor.user))


def ensure_writable(cartella: Cartella) -> None:
    if cartella.sola_lettura:
        raise NotAllowed(_("La cartella è in sola lettura: %(why)s")
                         % {"why": cartella.motivo_sola_lettura or _("trasferita")})
    if cartella.stato == Cartella.Stato.CHIUSA:
        raise ValidationFailed(_("La cartella è chiusa: riaprila prima di modificarla."))


def _motivo(motivo: str) -> str:
    motivo = (motivo or "").strip()
    if not motivo:
        raise ValidationFailed(_("Indica il motivo."), field="motivo")
    return motivo


def cartella_apri(
    *,
    actor: Actor,
    persona: Persona,
    area_target: str,
    data: date,
    motivo: str = "",
    scheda: SchedaAccesso | None = None,
) -> Cartella:
    """Open the person's case file (the acting social worker becomes responsible and is
    enabled on it). A person has one case file: a closed one is reopened instead."""
    if area_target not in AreaTarget.values:
        raise ValidationFailed(_("Scegli l'area target del caso."), field="area_target")
    if persona.stato == Persona.Stato.UNITA:
        raise ValidationFailed(_("La scheda anagrafica è stata unita a un'altra."))
    if data is None:
        raise ValidationFailed(_("Indica la data di apertura."), field="data")
    with transaction.atomic():
        existing = Cartella.objects.select_for_update().filter(persona=persona).first()
        if existing is not None:
            if existing.stato != Cartella.Stato.CHIUSA:
                raise ValidationFailed(
                    _("%(who)s ha già una cartella aperta (n. %(n)s): aggiornala.")
                    % {"who": persona.nome_completo, "n": existing.numero},
                    field="persona",
                )
            return cartella_riapri(actor=actor, cartella=existing, data=data,
                                   motivo=motivo or _("Nuova presa in carico"), scheda=scheda)
        cartella = Cartella.objects.create(
            numero=next_number("cartella", data.year), persona=persona,
            area_target=area_target, data_apertura=data,
            responsabile_id=actor.user.pk, responsabile_label=_label(actor.user),
            scheda_origine=scheda,
        )
        OperatoreCartella.objects.create(cartella=cartella, user_id=actor.user.pk,
                                         user_label=_label(actor.user),
                                         ruolo=_("Responsabile del caso"), dal=data)
        _movimento(actor, cartella, MovimentoCartella.Tipo.APERTURA, data, motivo)
        if scheda is not None:
            _prendi_in_carico(scheda, cartella)
        _audit(actor, "cartella.aperta", cartella, {"area_target": area_target})
    return cartella


def _prendi_in_carico(scheda: SchedaAccesso, cartella: Cartella) -> None:
    scheda.stato = SchedaAccesso.Stato.IN_CARICO
    scheda.cartella_public_id = cartella.public_id
    scheda.save(update_fields=["stato", "cartella_public_id", "updated_at"])


def cartella_sospendi(*, actor: Actor, cartella: Cartella, data: date, motivo: str) -> Cartella:
    ensure_writable(cartella)
    if cartella.stato == Cartella.Stato.SOSPESA:
        return cartella
    with transaction.atomic():
        cartella.stato = Cartella.Stato.SOSPESA
        cartella.save(update_fields=["stato", "updated_at"])
        _movimento(actor, cartella, MovimentoCartella.Tipo.SOSPENSIONE, data, _motivo(motivo))
        _audit(actor, "cartella.sospesa", cartella)
    return cartella


def cartella_chiudi(*, actor: Actor, cartella: Cartella, data: date, motivo: str,
                    approvata: bool = False) -> Cartella:
    """Close the case. Where the comune wants it, only after the dirigente's approval: the
    approval flow calls this again with ``approvata=True``."""
    ensure_writable(cartella)
    motivo = _motivo(motivo)
    if data is None or data < cartella.data_apertura:
        raise ValidationFailed(_("La data di chiusura precede l'apertura."), field="data")
    if ImpostazioniCartella.current().approvazione_chiusura and not approvata:
        raise ApprovalRequired(_("Nel tuo comune la chiusura richiede l'approvazione del dirigente."))
    with transaction.atomic():
        cartella.stato = Cartella.Stato.CHIUSA
        cartella.data_chiusura = data
        cartella.save(update_fields=["stato", "data_chiusura", "updated_at"])
        OperatoreCartella.objects.filter(cartella=cartella, al__isnull=True).update(al=data)
        _movimento(actor, cartella, MovimentoCartella.Tipo.CHIUSURA, data, motivo)
        _audit(actor, "cartella.chiusa", cartella, {"approvata": approvata})
        run_on_close(actor=actor, cartella=cartella, data=data, motivo=motivo)
    return cartella


def cartella_riapri(*, actor: Actor, cartella: Cartella, data: date, motivo: str,
                    scheda: SchedaAccesso | None = None) -> Cartella:
    if cartella.sola_lettura:
        ensure_writable(cartella)
    if cartella.stato == Cartella.Stato.APERTA:
        return cartella
    motivo = _motivo(motivo)
    with transaction.atomic():
        cartella.stato = Cartella.Stato.APERTA
        cartella.data_chiusura = None
        cartella.save(update_fields=["stato", "data_chiusura", "updated_at"])
        if not OperatoreCartella.objects.filter(cartella=cartella, user_id=actor.user.pk,
                                                al__isnull=True).exists():
            OperatoreCartella.objects.create(cartella=cartella, user_id=actor.user.pk,
                                             user_label=_label(actor.user),
                                             ruolo=_("Responsabile del caso"), dal=data)
        _movimento(actor, cartella, MovimentoCartella.Tipo.RIAPERTURA, data, motivo)
        if scheda is not None:
            _prendi_in_carico(scheda, cartella)
        _audit(actor, "cartella.riaperta", cartella)
    return cartella


def operatore_abilita(*, actor: Actor, cartella: Cartella, user: Any, ruolo: str,
                      dal: date) -> OperatoreCartella:
    """Enable a colleague of the same comune on the case."""
    from tenants.selectors import membership_for

    ensure_writable(cartella)
    from django.db import connection

    if membership_for(user, connection.tenant) is None:  # type: ignore[attr-defined]
        raise ValidationFailed(_("L'operatore non lavora in questo comune."), field="user")
    with transaction.atomic():
        current = OperatoreCartella.objects.filter(cartella=cartella, user_id=user.pk,
                                                   al__isnull=True).first()
        if current is not None:
            return current
        op = OperatoreCartella.objects.create(cartella=cartella, user_id=user.pk,
                                              user_label=_label(user), ruolo=ruolo, dal=dal)
        _audit(actor, "cartella.operatore_abilitato", cartella, {"operatore": user.pk})
    return op


def operatore_disabilita(*, actor: Actor, cartella: Cartella, user_id: int, al: date) -> None:
    ensure_writable(cartella)
    if user_id == cartella.responsabile_id:
        raise ValidationFailed(_("Il responsabile del caso non si può disabilitare: "
                                 "indica prima un altro responsabile."))
    with transaction.atomic():
        updated = OperatoreCartella.objects.filter(cartella=cartella, user_id=user_id,
                                                   al__isnull=True).update(al=al)
        if updated:
            _audit(actor, "cartella.operatore_disabilitato", cartella, {"operatore": user_id})


def avviso_crea(*, cartella: Cartella, tipo: str, testo: str, fonte: str = "") -> AvvisoCartella:
    """A notice for the people working on the case (used by the register import)."""
    with transaction.atomic():
        avviso = AvvisoCartella.objects.create(cartella=cartella, tipo=tipo, testo=testo[:500],
                                               fonte=fonte)
        audit_log(action="cartella.avviso", obj=cartella, payload={"tipo": tipo, "fonte": fonte})
    return avviso


@register_merge_hook
def _merge_cartelle(tieni: Persona, elimina: Persona) -> int:
    doppia = Cartella.objects.filter(persona=elimina).first()
    if doppia is None:
        return 0
    if Cartella.objects.filter(persona=tieni).exists():
        raise ValidationFailed(
            _("Entrambe le schede hanno una cartella sociale: non si possono unire "
              "automaticamente. Chiudi una delle due cartelle e chiedi all'assistenza.")
        )
    doppia.persona = tieni
    doppia.save(update_fields=["persona", "updated_at"])
    return 1
