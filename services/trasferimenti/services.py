"""Requesting, accepting, rejecting and cancelling the transfer of a case file."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from services.anagrafica.services import Actor
from services.cartella.models import Cartella, MovimentoCartella
from services.cartella.services import ensure_writable
from services.core.audit import audit_log
from services.core.errors import AlreadyExists, NotFound, ValidationFailed
from tenants.models import Comune, Ente

from .exchange import Opzioni, export_case, file_copiati_annullabili, import_case
from .models import Trasferimento


def _label(actor: Actor) -> str:
    user = actor.user
    return (user.get_full_name() or user.email) if hasattr(user, "get_full_name") else str(user)


def _current_ente() -> Ente:
    return connection.tenant  # type: ignore[attr-defined,no-any-return]


def trasferimento_richiedi(
    *,
    actor: Actor,
    cartella: Cartella,
    destinatario_istat: str,
    motivo: str,
    consenso_data: date | None,
    consenso_modalita: str,
    includi_riservate: bool = False,
) -> Trasferimento:
    """Ask another comune of the platform to take over the case (the person moved). The
    receiver gets the movements, the social conditions, the diary (private notes only if
    ``includi_riservate``), the problems, the documents and the care plan (as a draft)."""
    ensure_writable(cartella)
    mittente = _current_ente()
    comune = Comune.objects.select_related("ente").filter(
        istat_code=(destinatario_istat or "").strip()).first()
    if comune is None:
        raise NotFound(_("Il comune di destinazione non è sulla piattaforma."), field="destinatario")
    if comune.ente_id == mittente.pk:
        raise ValidationFailed(_("Scegli un comune diverso dal tuo."), field="destinatario")
    motivo = (motivo or "").strip()
    if not motivo:
        raise ValidationFailed(_("Indica il motivo del trasferimento."), field="motivo")
    if consenso_data is None or consenso_data > timezone.localdate():
        raise ValidationFailed(_("Indica quando è stato raccolto il consenso al trasferimento."),
                               field="consenso_data")
    if consenso_modalita not in Trasferimento.ModalitaConsenso.values:
        raise ValidationFailed(_("Indica come è stato dato il consenso."),
                               field="consenso_modalita")
    if Trasferimento.objects.filter(cartella_origine=cartella.public_id,
                                    stato=Trasferimento.Stato.RICHIESTO).exists():
        raise AlreadyExists(_("Per questa cartella c'è già un trasferimento in attesa."))
    p = cartella.persona
    with transaction.atomic():
        t = Trasferimento.objects.create(
            mittente=mittente, destinatario=comune.ente, cartella_origine=cartella.public_id,
            cognome=p.cognome, nome=p.nome, data_nascita=p.data_nascita,
            codice_fiscale=p.codice_fiscale, area_target=cartella.area_target, motivo=motivo,
            consenso_data=consenso_data, consenso_modalita=consenso_modalita,
            includi_riservate=bool(includi_riservate), richiesto_da=_label(actor),
        )
        audit_log(action="cartella.trasferimento_richiesto", actor=actor.user, obj=cartella,
                  payload={"trasferimento": str(t.public_id), "verso": comune.istat_code,
                           "riservate": t.includi_riservate},
                  ip_address=actor.ip_address)
    return t


def _pending_for_receiver(public_id: Any) -> Trasferimento:
    t = (Trasferimento.objects.select_for_update()
         .filter(public_id=public_id, destinatario=_current_ente()).first())
    if t is None:
        raise NotFound(_("Trasferimento non trovato."))
    if t.stato != Trasferimento.Stato.RICHIESTO:
        raise ValidationFailed(_("Il trasferimento è già stato deciso."))
    return t


def trasferimento_accetta(*, actor: Actor, public_id: Any) -> Cartella:
    """The receiving comune takes the case: it gets a case file in its own schema with the
    history handed over; the sender keeps its case, read-only. All in one transaction."""
    receiver = _current_ente()
    today = timezone.localdate()
    with file_copiati_annullabili(), transaction.atomic():
        t = _pending_for_receiver(public_id)
        mittente = Ente.objects.get(pk=t.mittente_id)
        with tenant_context(mittente):
            payload = export_case(t.cartella_origine,
                                  Opzioni(includi_riservate=t.includi_riservate))
        cartella = import_case(payload, actor, mittente.name, today)
        audit_log(action="cartella.ricevuta", actor=actor.user, obj=cartella,
                  payload={"trasferimento": str(t.public_id), "da": mittente.schema_name},
                  ip_address=actor.ip_address)
        with tenant_context(mittente):
            origine = Cartella.objects.select_for_update().get(public_id=t.cartella_origine)
            origine.sola_lettura = True
            origine.motivo_sola_lettura = _("trasferita a %(c)s il %(d)s") % {
                "c": receiver.name, "d": today.strftime("%d/%m/%Y")}
            origine.save(update_fields=["sola_lettura", "motivo_sola_lettura", "updated_at"])
            MovimentoCartella.objects.create(
                cartella=origine, tipo=MovimentoCartella.Tipo.TRASFERIMENTO_USCITA, data=today,
                motivo=t.motivo, operatore_label=f"{_label(actor)} ({receiver.name})"[:254])
            audit_log(action="cartella.trasferita", actor=actor.user, obj=origine,
                      payload={"trasferimento": str(t.public_id), "a": receiver.schema_name})
        t.stato = Trasferimento.Stato.ACCETTATO
        t.cartella_destinazione = cartella.public_id
        t.deciso_da = _label(actor)
        t.deciso_il = timezone.now()
        t.save(update_fields=["stato", "cartella_destinazione", "deciso_da", "deciso_il",
                              "updated_at"])
    return cartella


def trasferimento_respingi(*, actor: Actor, public_id: Any, motivazione: str) -> Trasferimento:
    motivazione = (motivazione or "").strip()
    if not motivazione:
        raise ValidationFailed(_("Indica perché respingi il trasferimento."), field="motivazione")
    with transaction.atomic():
        t = _pending_for_receiver(public_id)
        t.stato = Trasferimento.Stato.RESPINTO
        t.deciso_da = _label(actor)
        t.deciso_il = timezone.now()
        t.motivazione_decisione = motivazione
        t.save(update_fields=["stato", "deciso_da", "deciso_il", "motivazione_decisione",
                              "updated_at"])
        audit_log(action="trasferimento.respinto", actor=actor.user, obj=t,
                  ip_address=actor.ip_address)
    return t


def trasferimento_annulla(*, actor: Actor, public_id: Any) -> Trasferimento:
    with transaction.atomic():
        t = (Trasferimento.objects.select_for_update()
             .filter(public_id=public_id, mittente=_current_ente()).first())
        if t is None:
            raise NotFound(_("Trasferimento non trovato."))
        if t.stato != Trasferimento.Stato.RICHIESTO:
            raise ValidationFailed(_("Il trasferimento è già stato deciso."))
        t.stato = Trasferimento.Stato.ANNULLATO
        t.save(update_fields=["stato", "updated_at"])
        audit_log(action="trasferimento.annullato", actor=actor.user, obj=t,
                  ip_address=actor.ip_address)
    return t
