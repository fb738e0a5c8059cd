"""Referring a case to a specialist service, and the service's answer.

Rules:
- only the social worker who may change the case (``can_change``) refers it, while the case
  is open and writable; one open referral per case and service;
- a comune team's member accepts (and is then enabled on the case with the service's name as
  role, so they read it and write the diary) or rejects with a reason; an accepted referral
  is closed by the team's answer;
- a referral to a zone service needs the person's consent (date and form): the summary that
  leaves the comune is what ``RichiestaZonale`` holds, nothing else; the zone office answers
  in the public schema and the comune reads it from there;
- in gestione associata the zone's social worker may open the person's case file in the
  zone's own schema for an accepted request: only its public id is kept on the request, and
  the comune never sees it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from services.anagrafica.models import Persona
from services.anagrafica.services import Actor, persona_create
from services.cartella.models import Cartella, OperatoreCartella
from services.cartella.selectors import can_change
from services.cartella.services import cartella_apri, ensure_writable, operatore_abilita
from services.core.audit import audit_log
from services.core.codice_fiscale import normalize_codice_fiscale, sesso_of
from services.core.errors import AlreadyExists, NotAllowed, NotFound, ValidationFailed
from services.core.text import fold
from services.pai.services.approvazioni import comune_url, notifica_create
from services.trasferimenti.models import RichiestaZonale, ServizioZonale, Trasferimento
from tenants.models import Ente
from tenants.roles import Capability, permission_name

from .models import Invio, MembroServizio, ServizioSpecialistico, TipoServizioSpecialistico


def _label(user: Any) -> str:
    return (user.get_full_name() or user.email) if hasattr(user, "get_full_name") else str(user)


def _text(value: str | None, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, field=field)
    return value


def _audit(actor: Actor, action: str, invio: Invio, payload: dict | None = None) -> None:
    # The case is the object: the readers' page and the case history show the referral.
    audit_log(action=action, actor=actor.user, obj=invio.cartella,
              payload={"invio": str(invio.public_id), "servizio": invio.servizio_label,
                       **(payload or {})}, ip_address=actor.ip_address)


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


# --- the zone office ------------------------------------------------------------------------


def servizio_zonale_crea(*, actor: Actor, nome: str, tipo: str) -> ServizioZonale:
    zona = connection.tenant.zona  # type: ignore[attr-defined]
    nome = _text(nome, "nome", _("Indica il nome del servizio."))
    if tipo not in TipoServizioSpecialistico.values:
        raise ValidationFailed(_("Scegli il tipo di servizio."), field="tipo")
    if ServizioZonale.objects.filter(zona=zona, nome__iexact=nome).exists():
        raise AlreadyExists(_("Esiste già un servizio con questo nome."), field="nome")
    with transaction.atomic():
        servizio = ServizioZonale.objects.create(zona=zona, nome=nome, tipo=tipo)
        audit_log(action="ambito.servizio_creato", actor=actor.user, obj=servizio,
                  payload={"nome": nome, "tipo": tipo}, ip_address=actor.ip_address)
    return servizio


def _richiesta_della_zona(public_id: Any) -> RichiestaZonale:
    zona = getattr(connection.tenant, "zona", None)  # type: ignore[attr-defined]
    if zona is None:
        raise NotFound(_("Richiesta non trovata."))
    richiesta = (RichiestaZonale.objects.select_for_update()
                 .filter(public_id=public_id, servizio__zona=zona).first())
    if richiesta is None:
        raise NotFound(_("Richiesta non trovata."))
    return richiesta


def richiesta_zonale_gestisci(*, actor: Actor, public_id: Any, esito: str,
                              testo: str = "") -> RichiestaZonale:
    """The zone service accepts, rejects (with a reason) or answers (closing it)."""
    transitions = {"accolta": (RichiestaZonale.Stato.INVIATA,),
                   "respinta": (RichiestaZonale.Stato.INVIATA,),
                   "conclusa": (RichiestaZonale.Stato.ACCOLTA,)}
    if esito not in transitions:
        raise ValidationFailed(_("Scegli l'esito."), field="esito")
    testo = (testo or "").strip()
    if esito in ("respinta", "conclusa") and not testo:
        raise ValidationFailed(_("Scrivi la risposta o la motivazione per il comune."),
                               field="testo")
    with transaction.atomic():
        richiesta = _richiesta_della_zona(public_id)
        if richiesta.stato not in transitions[esito]:
            raise ValidationFailed(_("La richiesta è «%(s)s»: non si può passare a questo esito.")
                                   % {"s": richiesta.get_stato_display()})
        richiesta.stato = esito
        richiesta.gestita_da = _label(actor.user)
        if testo:
            richiesta.risposta = testo
            richiesta.risposta_il = timezone.localdate()
        richiesta.save(update_fields=["stato", "gestita_da", "risposta", "risposta_il",
                                      "updated_at"])
        audit_log(action=f"ambito.richiesta_{esito}", actor=actor.user, obj=richiesta,
                  ip_address=actor.ip_address)
    return richiesta


# --- the zone's own case work (gestione associata) -----------------------------------------

MOTIVO_MAX_QUESITO = 200


def _persona_nell_ambito(actor: Actor, richiesta: RichiestaZonale) -> Persona:
    """The person in the zone's own registry: by codice fiscale, else by name and birth date
    (one match only), else registered now — the sex comes from the codice fiscale."""
    cf = normalize_codice_fiscale(richiesta.codice_fiscale) if richiesta.codice_fiscale else ""
    attive = Persona.objects.filter(unita_in__isnull=True)
    if cf:
        persona = attive.filter(codice_fiscale=cf).first()
        if persona is not None:
            return persona
    omonimi = attive.filter(search_text=fold(f"{richiesta.cognome} {richiesta.nome}"),
                            data_nascita=richiesta.data_nascita)
    if cf:
        # Someone with the same name but another codice fiscale is another person.
        omonimi = omonimi.filter(codice_fiscale="")
    trovati = list(omonimi[:2])
    if len(trovati) > 1:
        raise ValidationFailed(
            _("Nell'anagrafica dell'ambito ci sono più schede di %(who)s, nato/a il %(date)s: "
              "unisci i doppioni dalla pagina dell'anagrafica, poi riprova.")
            % {"who": f"{richiesta.cognome} {richiesta.nome}",
               "date": richiesta.data_nascita.strftime("%d/%m/%Y")},
            field="persona_doppia")
    if trovati:
        return trovati[0]
    if not cf:
        raise ValidationFailed(
            _("La richiesta non ha il codice fiscale e %(who)s non è nell'anagrafica "
              "dell'ambito: registra prima la persona dalla pagina dell'anagrafica (serve il "
              "sesso), poi riprova.") % {"who": f"{richiesta.cognome} {richiesta.nome}"},
            field="persona_da_registrare")
    return persona_create(actor=actor, cognome=richiesta.cognome, nome=richiesta.nome,
                          sesso=sesso_of(cf), data_nascita=richiesta.data_nascita,
                          codice_fiscale=cf, conferma_omonimia=True)


def richiesta_zonale_apri_cartella(*, actor: Actor, public_id: Any) -> Cartella:
    """For an accepted request to a service the zone runs itself, open (or link) the
    person's case file in the zone's own schema. Calling it again returns the same file."""
    if not actor.user.has_perm(permission_name(Capability.MANAGE_CARTELLA)):
        raise NotAllowed(_("Solo l'assistente sociale dell'ambito può aprire la cartella."))
    with transaction.atomic():
        richiesta = _richiesta_della_zona(public_id)
        if richiesta.cartella_ambito is not None:
            cartella = Cartella.objects.filter(public_id=richiesta.cartella_ambito).first()
            if cartella is not None:
                return cartella
        if richiesta.stato != RichiestaZonale.Stato.ACCOLTA:
            raise ValidationFailed(
                _("La richiesta è «%(s)s»: la cartella si apre solo per una richiesta presa in "
                  "carico.") % {"s": richiesta.get_stato_display()})
        persona = _persona_nell_ambito(actor, richiesta)
        cartella = (Cartella.objects.select_for_update().filter(persona=persona)
                    .exclude(stato=Cartella.Stato.CHIUSA).first())
        aperta_ora = cartella is None
        if cartella is None:
            motivo = _("Invio da %(comune)s: %(quesito)s") % {
                "comune": richiesta.mittente.name,
                "quesito": Truncator(" ".join(richiesta.quesito.split())).chars(MOTIVO_MAX_QUESITO),
            }
            cartella = cartella_apri(actor=actor, persona=persona,
                                     area_target=richiesta.area_target,
                                     data=timezone.localdate(), motivo=motivo)
        else:
            # A colleague's case: whoever takes the referral is enabled on it, or the link
            # would lead them to a case they may not read.
            operatore_abilita(actor=actor, cartella=cartella, user=actor.user,
                              ruolo=str(richiesta.servizio), dal=timezone.localdate())
        richiesta.cartella_ambito = cartella.public_id
        richiesta.save(update_fields=["cartella_ambito", "updated_at"])
        audit_log(action="ambito.richiesta_cartella_aperta", actor=actor.user, obj=richiesta,
                  payload={"cartella": str(cartella.public_id), "nuova": aperta_ora},
                  ip_address=actor.ip_address)
    return cartella
