"""The comune's specialist teams, and referring a case to them or to a zone service."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.anagrafica.services import Actor
from services.cartella.models import Cartella, OperatoreCartella
from services.cartella.selectors import can_change
from services.cartella.services import ensure_writable
from services.core.audit import audit_log
from services.core.errors import AlreadyExists, NotAllowed, NotFound, ValidationFailed
from services.pai.services.approvazioni import comune_url, notifica_create
from services.trasferimenti.models import RichiestaZonale, ServizioZonale, Trasferimento
from tenants.models import Ente

from ..models import Invio, MembroServizio, ServizioSpecialistico, TipoServizioSpecialistico
from .scritture import _audit, _label, _text

# --- the comune's specialist teams -----------------------------------------------------------


def servizio_specialistico_crea(*, actor: Actor, nome: str, tipo: str) -> ServizioSpecialistico:
    nome = _text(nome, "nome", _("Indica il nome del servizio."))
    if tipo not in TipoServizioSpecialistico.values:
        raise ValidationFailed(_("Scegli il tipo di servizio."), field="tipo")
    if ServizioSpecialistico.objects.filter(nome__iexact=nome).exists():
        raise AlreadyExists(_("Esiste già un servizio con questo nome."), field="nome")
    with transaction.atomic():
        servizio = ServizioSpecialistico.objects.create(nome=nome, tipo=tipo)
        audit_log(action="invii.servizio_creato", actor=actor.user, obj=servizio,
                  payload={"nome": nome, "tipo": tipo}, ip_address=actor.ip_address)
    return servizio


def membro_aggiungi(*, actor: Actor, servizio: ServizioSpecialistico, user: Any) -> MembroServizio:
    from tenants.models import Membership

    if not Membership.objects.filter(user=user, ente=connection.tenant, is_active=True).exists():  # type: ignore[attr-defined]
        raise ValidationFailed(_("L'operatore non è abilitato in questo comune."), field="user")
    if servizio.membri.filter(user_id=user.pk).exists():
        raise AlreadyExists(_("L'operatore fa già parte del servizio."), field="user")
    with transaction.atomic():
        membro = MembroServizio.objects.create(servizio=servizio, user_id=user.pk,
                                               user_label=_label(user))
        audit_log(action="invii.membro_aggiunto", actor=actor.user, obj=servizio,
                  payload={"user_id": user.pk}, ip_address=actor.ip_address)
    return membro


def membro_rimuovi(*, actor: Actor, membro: MembroServizio) -> None:
    with transaction.atomic():
        audit_log(action="invii.membro_rimosso", actor=actor.user, obj=membro.servizio,
                  payload={"user_id": membro.user_id}, ip_address=actor.ip_address)
        membro.delete()


# --- referring a case -----------------------------------------------------------------------


def _ensure_can_refer(actor: Actor, cartella: Cartella) -> None:
    ensure_writable(cartella)
    if not can_change(actor.user, cartella):
        raise NotAllowed(_("Solo l'assistente sociale abilitato sul caso può inviarlo a un "
                           "servizio specialistico."))


def invio_crea(*, actor: Actor, cartella: Cartella, servizio: ServizioSpecialistico,
               quesito: str) -> Invio:
    """Refer the case to a team of the comune; its members are told in their inbox."""
    _ensure_can_refer(actor, cartella)
    quesito = _text(quesito, "quesito", _("Scrivi il quesito per il servizio."))
    if not servizio.attivo:
        raise ValidationFailed(_("Il servizio non è attivo."), field="servizio")
    try:
        with transaction.atomic():
            invio = Invio.objects.create(
                cartella=cartella, servizio=servizio, servizio_label=servizio.nome,
                quesito=quesito, inviato_da_id=actor.user.pk,
                inviato_da_label=_label(actor.user), inviato_il=timezone.localdate())
            _audit(actor, "cartella.invio_creato", invio)
            link = comune_url("invii_ricevuti")
            for membro in servizio.membri.all():
                notifica_create(destinatario_id=membro.user_id, link=link, testo=_(
                    "Nuovo invio al servizio %(s)s dalla cartella %(n)s.")
                    % {"s": servizio.nome, "n": cartella.numero})
    except IntegrityError as exc:
        raise AlreadyExists(_("Il caso è già stato inviato a questo servizio e attende "
                              "risposta."), field="servizio") from exc
    return invio


def invio_zonale_crea(*, actor: Actor, cartella: Cartella, servizio: ServizioZonale,
                      quesito: str, consenso_data: date | None,
                      consenso_modalita: str) -> Invio:
    """Refer the case to a service of the zone office: a summary leaves the comune, with
    the person's consent."""
    _ensure_can_refer(actor, cartella)
    ente: Ente = connection.tenant  # type: ignore[attr-defined]
    comune = getattr(ente, "comune", None)
    if not servizio.attivo or comune is None or servizio.zona_id != comune.zona_id:
        raise ValidationFailed(_("Il servizio non è offerto dall'ambito del tuo comune."),
                               field="servizio")
    quesito = _text(quesito, "quesito", _("Scrivi il quesito per il servizio."))
    if consenso_data is None or consenso_data > timezone.localdate():
        raise ValidationFailed(_("Indica quando la persona ha dato il consenso all'invio."),
                               field="consenso_data")
    if consenso_modalita not in Trasferimento.ModalitaConsenso.values:
        raise ValidationFailed(_("Indica come è stato dato il consenso."),
                               field="consenso_modalita")
    invii_zonali = Invio.objects.filter(cartella=cartella, richiesta_zonale__isnull=False)
    aperte = RichiestaZonale.objects.filter(
        servizio=servizio, invio_origine__in=invii_zonali.values_list("public_id", flat=True),
        stato__in=[RichiestaZonale.Stato.INVIATA, RichiestaZonale.Stato.ACCOLTA])
    if aperte.exists():
        raise AlreadyExists(_("Il caso è già stato inviato a questo servizio e attende "
                              "risposta."), field="servizio")
    persona = cartella.persona
    with transaction.atomic():
        invio = Invio(cartella=cartella, servizio_label=servizio.nome, quesito=quesito,
                      inviato_da_id=actor.user.pk, inviato_da_label=_label(actor.user),
                      inviato_il=timezone.localdate())
        richiesta = RichiestaZonale.objects.create(
            servizio=servizio, mittente=ente, invio_origine=invio.public_id,
            cognome=persona.cognome, nome=persona.nome, data_nascita=persona.data_nascita,
            codice_fiscale=persona.codice_fiscale, area_target=cartella.area_target,
            quesito=quesito, referente=_label(actor.user), consenso_data=consenso_data,
            consenso_modalita=consenso_modalita)
        invio.richiesta_zonale = richiesta.public_id
        invio.save()
        _audit(actor, "cartella.invio_creato", invio,
               {"ambito": True, "consenso_data": consenso_data.isoformat(),
                "consenso_modalita": consenso_modalita})
    return invio


def _lock_for_member(actor: Actor, invio: Invio) -> Invio:
    locked = (Invio.objects.select_for_update(of=("self",)).select_related("cartella", "servizio")
              .filter(pk=invio.pk, servizio__membri__user_id=actor.user.pk).first())
    if locked is None:
        raise NotFound(_("Invio non trovato."))
    return locked


def invio_accogli(*, actor: Actor, invio: Invio) -> Invio:
    """A member of the team takes the referral: they are enabled on the case."""
    with transaction.atomic():
        invio = _lock_for_member(actor, invio)
        if invio.stato != Invio.Stato.INVIATO:
            raise ValidationFailed(_("L'invio è già stato gestito (%(s)s).")
                                   % {"s": invio.get_stato_display().lower()})
        ensure_writable(invio.cartella)
        today = timezone.localdate()
        invio.stato = Invio.Stato.ACCOLTO
        invio.preso_da_id = actor.user.pk
        invio.preso_da_label = _label(actor.user)
        invio.save(update_fields=["stato", "preso_da_id", "preso_da_label", "updated_at"])
        if not OperatoreCartella.objects.filter(cartella=invio.cartella, user_id=actor.user.pk,
                                                al__isnull=True).exists():
            OperatoreCartella.objects.create(cartella=invio.cartella, user_id=actor.user.pk,
                                             user_label=_label(actor.user),
                                             ruolo=invio.servizio_label[:100], dal=today)
        _audit(actor, "cartella.invio_accolto", invio)
        notifica_create(destinatario_id=invio.inviato_da_id,
                        link=comune_url("cartella_detail", invio.cartella.public_id),
                        testo=_("Il servizio %(s)s ha accolto l'invio della cartella %(n)s.")
                        % {"s": invio.servizio_label, "n": invio.cartella.numero})
    return invio


def invio_respingi(*, actor: Actor, invio: Invio, motivazione: str) -> Invio:
    motivazione = _text(motivazione, "motivazione",
                        _("Indica perché il servizio non accoglie l'invio."))
    with transaction.atomic():
        invio = _lock_for_member(actor, invio)
        if invio.stato != Invio.Stato.INVIATO:
            raise ValidationFailed(_("L'invio è già stato gestito (%(s)s).")
                                   % {"s": invio.get_stato_display().lower()})
        _answer(invio, Invio.Stato.RESPINTO, motivazione, actor)
        _audit(actor, "cartella.invio_respinto", invio)
    return invio


def invio_rispondi(*, actor: Actor, invio: Invio, risposta: str) -> Invio:
    """The team's answer (evaluation, outcome of the project) closes the referral."""
    risposta = _text(risposta, "risposta", _("Scrivi la risposta del servizio."))
    with transaction.atomic():
        invio = _lock_for_member(actor, invio)
        if invio.stato != Invio.Stato.ACCOLTO:
            raise ValidationFailed(_("Si risponde a un invio accolto dal servizio."))
        _answer(invio, Invio.Stato.CONCLUSO, risposta, actor)
        _audit(actor, "cartella.invio_concluso", invio)
    return invio


def _answer(invio: Invio, stato: str, testo: str, actor: Actor) -> None:
    invio.stato = stato
    invio.risposta = testo
    invio.risposto_da_label = _label(actor.user)
    invio.risposto_il = timezone.localdate()
    invio.save(update_fields=["stato", "risposta", "risposto_da_label", "risposto_il",
                              "updated_at"])
    notifica_create(destinatario_id=invio.inviato_da_id,
                    link=comune_url("cartella_detail", invio.cartella.public_id),
                    testo=_("Il servizio %(s)s ha risposto sull'invio della cartella %(n)s.")
                    % {"s": invio.servizio_label, "n": invio.cartella.numero})


def invio_annulla(*, actor: Actor, invio: Invio) -> Invio:
    """The social worker withdraws a referral nobody has answered yet."""
    with transaction.atomic():
        invio = Invio.objects.select_for_update(of=("self",)).select_related("cartella").get(
            pk=invio.pk)
        _ensure_can_refer(actor, invio.cartella)
        if invio.stato != Invio.Stato.INVIATO:
            raise ValidationFailed(_("L'invio è già stato gestito: non si può ritirare."))
        if invio.richiesta_zonale is not None:
            richiesta = RichiestaZonale.objects.select_for_update().get(
                public_id=invio.richiesta_zonale)
            if richiesta.stato != RichiestaZonale.Stato.INVIATA:
                raise ValidationFailed(_("L'ambito ha già gestito la richiesta: non si può "
                                         "ritirare."))
            richiesta.stato = RichiestaZonale.Stato.ANNULLATA
            richiesta.save(update_fields=["stato", "updated_at"])
        invio.stato = Invio.Stato.ANNULLATO
        invio.save(update_fields=["stato", "updated_at"])
        _audit(actor, "cartella.invio_ritirato", invio)
    return invio
