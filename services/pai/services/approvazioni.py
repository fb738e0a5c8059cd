"""Decisions asked of the dirigente (a PAI, a case closure) and the notices that tell the
requester the outcome."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from services.anagrafica.services import Actor
from services.cartella.models import Cartella, ImpostazioniCartella
from services.cartella.services import cartella_chiudi, ensure_writable
from services.core.audit import audit_log
from services.core.errors import AlreadyExists, NotAllowed, ValidationFailed
from tenants.roles import Capability, permission_name

from ..models import PAI, Approvazione, Notifica
from .piano import audit_pai, label_of, pai_put_in_force


def comune_url(name: str, *args: object) -> str:
    """A page of the comune site, also outside a request (the comune urlconf is explicit):
    empty if the page does not exist (yet)."""
    try:
        return reverse(name, args=args, urlconf=str(settings.TENANT_TYPES["comune"]["URLCONF"]))
    except NoReverseMatch:
        return ""


def _audit(actor: Actor, action: str, approvazione: Approvazione, payload: dict | None = None):
    audit_log(action=action, actor=actor.user, obj=approvazione,
              payload={"tipo": approvazione.tipo,
                       "cartella": str(approvazione.cartella.public_id),
                       "pai": str(approvazione.pai.public_id) if approvazione.pai else None,
                       **(payload or {})},
              ip_address=actor.ip_address)


def notifica_create(*, destinatario_id: int, testo: str, link: str = "") -> Notifica:
    return Notifica.objects.create(destinatario_id=destinatario_id, testo=testo[:500],
                                   link=link[:300])


def notifica_segna_letta(*, actor: Actor, notifica: Notifica) -> Notifica:
    if notifica.destinatario_id != actor.user.pk:
        raise NotAllowed()
    if notifica.letta:
        return notifica
    with transaction.atomic():
        notifica.letta = True
        notifica.letta_il = timezone.now()
        notifica.save(update_fields=["letta", "letta_il", "updated_at"])
        audit_log(action="notifica.letta", actor=actor.user, obj=notifica,
                  ip_address=actor.ip_address)
    return notifica


def approvazione_richiedi_chiusura(*, actor: Actor, cartella: Cartella, data: date | None,
                                   motivo: str, nota: str = "") -> Approvazione:
    """Ask the dirigente to close the case on ``data`` for ``motivo``. One request at a time
    per case."""
    ensure_writable(cartella)
    motivo = (motivo or "").strip()
    if not motivo:
        raise ValidationFailed(_("Indica il motivo della chiusura."), field="motivo")
    if data is None:
        raise ValidationFailed(_("Indica la data di chiusura."), field="data")
    if data < cartella.data_apertura:
        raise ValidationFailed(_("La data di chiusura precede l'apertura."), field="data")
    if not ImpostazioniCartella.current().approvazione_chiusura:
        raise ValidationFailed(_("Nel tuo comune la chiusura non richiede l'approvazione del "
                                 "dirigente: chiudi la cartella dalla sua pagina."))
    gia = Approvazione.objects.filter(cartella=cartella, tipo=Approvazione.Tipo.CHIUSURA_CARTELLA,
                                      stato=Approvazione.Stato.IN_ATTESA).first()
    if gia is not None:
        raise AlreadyExists(_("La chiusura di questa cartella è già stata chiesta il %(d)s da "
                              "%(who)s: attendi la decisione del dirigente.")
                            % {"d": f"{timezone.localtime(gia.richiesta_il):%d/%m/%Y}",
                               "who": gia.richiesta_da_label})
    try:
        with transaction.atomic():
            approvazione = Approvazione.objects.create(
                tipo=Approvazione.Tipo.CHIUSURA_CARTELLA, cartella=cartella,
                richiesta_da_id=actor.user.pk, richiesta_da_label=label_of(actor.user),
                nota=(nota or "").strip(), data_chiusura=data, motivo_chiusura=motivo,
            )
            _audit(actor, "approvazione.richiesta", approvazione,
                   {"data_chiusura": data.isoformat()})
    except IntegrityError as exc:  # the same request sent twice at once
        raise AlreadyExists(_("La chiusura di questa cartella è già stata chiesta: attendi "
                              "la decisione del dirigente.")) from exc
    return approvazione


def approvazione_decide(*, actor: Actor, approvazione: Approvazione, approva: bool,
                        motivazione: str = "") -> Approvazione:
    """The dirigente approves or rejects (a rejection says why). Approving a PAI puts it in
    force; approving a closure closes the case. The requester is notified."""
    if not actor.user.has_perm(permission_name(Capability.APPROVE_PAI)):
        raise NotAllowed(_("Solo il dirigente può decidere sulle richieste di approvazione."))
    motivazione = (motivazione or "").strip()
    if not approva and not motivazione:
        raise ValidationFailed(_("Per respingere la richiesta indica la motivazione."),
                               field="motivazione")
    with transaction.atomic():
        approvazione = (Approvazione.objects.select_for_update(of=("self",))
                        .select_related("cartella", "pai").get(pk=approvazione.pk))
        if approvazione.stato != Approvazione.Stato.IN_ATTESA:
            raise ValidationFailed(
                _("Questa richiesta è già stata decisa (%(stato)s) da %(who)s.")
                % {"stato": approvazione.get_stato_display().lower(),
                   "who": approvazione.decisa_da_label})
        if approvazione.tipo == Approvazione.Tipo.PAI:
            _decide_pai(actor, approvazione, approva)
        elif approva:
            _chiudi_cartella(actor, approvazione)
        approvazione.stato = (Approvazione.Stato.APPROVATA if approva
                              else Approvazione.Stato.RESPINTA)
        approvazione.decisa_da_id = actor.user.pk
        approvazione.decisa_da_label = label_of(actor.user)
        approvazione.decisa_il = timezone.now()
        approvazione.motivazione = motivazione
        approvazione.save(update_fields=["stato", "decisa_da_id", "decisa_da_label", "decisa_il",
                                         "motivazione", "updated_at"])
        _audit(actor, "approvazione.approvata" if approva else "approvazione.respinta",
               approvazione, {"motivazione": motivazione})
        _notify_requester(approvazione)
    return approvazione


def _decide_pai(actor: Actor, approvazione: Approvazione, approva: bool) -> None:
    pai = (PAI.objects.select_for_update(of=("self",)).select_related("cartella")
           .get(approvazioni=approvazione))
    ensure_writable(pai.cartella)
    if pai.stato != PAI.Stato.IN_APPROVAZIONE:
        raise ValidationFailed(_("Il PAI non è più in attesa di approvazione."))
    if approva:
        pai_put_in_force(actor=actor, pai=pai)
    else:
        pai.stato = PAI.Stato.RESPINTO
        pai.save(update_fields=["stato", "updated_at"])
        audit_pai(actor, "pai.respinto", pai)
    approvazione.pai = pai


def _chiudi_cartella(actor: Actor, approvazione: Approvazione) -> None:
    """Close the case as proposed (its plans follow: ``pai_chiudi_con_cartella``)."""
    # data_chiusura is set on every closure request (database constraint).
    cartella_chiudi(actor=actor, cartella=approvazione.cartella,
                    data=approvazione.data_chiusura,  # type: ignore[arg-type]
                    motivo=approvazione.motivo_chiusura, approvata=True)


def pai_chiudi_con_cartella(*, actor: Actor, cartella: Cartella, data: date, motivo: str) -> None:
    """Run inside ``cartella_chiudi``, whichever way the case closes (directly, or on the
    dirigente's approval): the plan in force ends with the case, and PAI still waiting for
    approval are set aside, so no dirigente is left deciding on a closed case."""
    for pai in PAI.objects.select_for_update().filter(cartella=cartella,
                                                      stato=PAI.Stato.APPROVATO):
        pai.stato = PAI.Stato.CONCLUSO
        pai.data_conclusione = max(data, pai.data_inizio)
        pai.esito_conclusione = _("Cartella chiusa: %(m)s") % {"m": motivo}
        pai.save(update_fields=["stato", "data_conclusione", "esito_conclusione", "updated_at"])
        pai.verifiche.filter(data_effettuata__isnull=True).delete()
        audit_pai(actor, "pai.concluso", pai, {"chiusura_cartella": True})
    pending = (Approvazione.objects.select_for_update(of=("self",))
               .filter(cartella=cartella, tipo=Approvazione.Tipo.PAI,
                       stato=Approvazione.Stato.IN_ATTESA).select_related("pai"))
    for altra in pending:
        altra.stato = Approvazione.Stato.RESPINTA
        altra.decisa_da_id = actor.user.pk
        altra.decisa_da_label = label_of(actor.user)
        altra.decisa_il = timezone.now()
        altra.motivazione = _("La cartella è stata chiusa.")
        altra.save(update_fields=["stato", "decisa_da_id", "decisa_da_label", "decisa_il",
                                  "motivazione", "updated_at"])
        if altra.pai is not None:
            altra.pai.stato = PAI.Stato.RESPINTO
            altra.pai.save(update_fields=["stato", "updated_at"])
        _audit(actor, "approvazione.respinta", altra, {"motivazione": altra.motivazione})
        _notify_requester(altra)


def _notify_requester(approvazione: Approvazione) -> None:
    numero = approvazione.cartella.numero
    esito = (_("approvata") if approvazione.stato == Approvazione.Stato.APPROVATA
             else _("respinta"))
    pai = approvazione.pai
    if pai is not None:
        testo = (_("PAI versione %(v)s della cartella %(n)s: richiesta %(esito)s da %(who)s.")
                 % {"v": pai.versione, "n": numero, "esito": esito,
                    "who": approvazione.decisa_da_label})
        link = comune_url("pai_detail", pai.public_id)
    else:
        testo = (_("Chiusura della cartella %(n)s: richiesta %(esito)s da %(who)s.")
                 % {"n": numero, "esito": esito, "who": approvazione.decisa_da_label})
        link = comune_url("cartella_detail", approvazione.cartella.public_id)
    if approvazione.motivazione:
        testo = f"{testo} {_('Motivazione')}: {approvazione.motivazione}"
    notifica_create(destinatario_id=approvazione.richiesta_da_id, testo=testo, link=link)
