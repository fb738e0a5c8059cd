"""Proposals and decisions: the social worker proposes, may correct or withdraw the
proposal while it waits, and the dirigente approves or rejects it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.anagrafica.models import Persona
from services.anagrafica.services import Actor
from services.core.errors import NotAllowed, ValidationFailed
from services.domande.models import Domanda
from tenants.roles import Capability, permission_name

from ..models import ZERO, Carattere, Intervento, PagatoA, Servizio, oltre_soglia_messaggio
from .pagamenti import _importi_validate, mesi_tra, pagamenti_genera
from .scritture import _audit, _clean, _label, _lock, _lock_determina_of


def intervento_propose(*, actor: Actor, persona: Persona, servizio: Servizio,
                       data_inizio: date | None, data_fine: date | None = None,
                       carattere: str | None = None,
                       importo_totale: Decimal | None = None,
                       importo_mensile: Decimal | None = None,
                       quota_ente: Decimal | None = None, quota_utente: Decimal | None = None,
                       quota_ssn: Decimal | None = None, ore_mensili: Decimal | None = None,
                       domanda: Domanda | None = None, motivazione: str = "",
                       note: str = "", oggi: date | None = None,
                       conferma_importo: bool = False) -> Intervento:
    """A social worker's proposal. A service that does not ask for the dirigente's decision
    approves it at once (and its payments are generated). A total above the service's
    ceiling (``Servizio.soglia_conferma``) needs ``conferma_importo``, which is audited."""
    from services.cartella.models import Cartella

    oggi = oggi or timezone.localdate()
    if not servizio.attivo:
        raise ValidationFailed(_("Il servizio non è più attivo."), field="servizio")
    if domanda is not None and domanda.persona_id != persona.pk:
        raise ValidationFailed(_("La domanda è di un'altra persona."), field="domanda")
    if domanda is not None and domanda.stato in (Domanda.Stato.RESPINTA, Domanda.Stato.ARCHIVIATA):
        raise ValidationFailed(_("La domanda è %(s)s: non si propongono interventi.")
                               % {"s": domanda.get_stato_display().lower()}, field="domanda")
    cartella = Cartella.objects.filter(persona=persona).first()
    intervento = Intervento(
        persona=persona, servizio=servizio, domanda=domanda, cartella=cartella,
        tipo=servizio.tipo, carattere=carattere or servizio.carattere,
        area_target=servizio.area_target,
        presa_in_carico=cartella is not None and cartella.stato != Cartella.Stato.CHIUSA,
        proposto_da_id=actor.user.pk, proposto_da_label=_label(actor.user), proposto_il=oggi,
        motivazione_proposta=(motivazione or "").strip(), note=(note or "").strip(),
        data_inizio=data_inizio, data_fine=data_fine, importo_totale=importo_totale or ZERO,
        importo_mensile=importo_mensile, quota_ente=quota_ente, quota_utente=quota_utente,
        quota_ssn=quota_ssn, ore_mensili=ore_mensili,
    )
    confermato = _proposta_valida(intervento, conferma_importo=conferma_importo)
    with transaction.atomic():
        intervento.save()
        _audit(actor, "intervento.proposto", intervento,
               {"servizio": servizio.nome, "importo_totale": str(intervento.importo_totale),
                **_conferma_payload(intervento, confermato)})
        if not servizio.richiede_decisione:
            _approva(actor, intervento, oggi, _("Servizio senza decisione del dirigente."))
        _domanda_segue(actor, intervento)
    return intervento


def _domanda_segue(actor: Actor, intervento: Intervento) -> None:
    """The application follows the outcome of its interventions (``domande.esito``)."""
    if intervento.domanda_id is not None:
        from services.domande.esito import domanda_segue_interventi

        domanda_segue_interventi(actor=actor, domanda=intervento.domanda)


def _proposta_valida(intervento: Intervento, *, conferma_importo: bool = False) -> bool:
    """The rules a proposal meets, when made and when corrected before the decision.
    Returns True when the amount is above the service's ceiling and was confirmed."""
    if intervento.carattere not in Carattere.values:
        raise ValidationFailed(_("Scegli se la prestazione è periodica o una tantum."),
                               field="carattere")
    _importi_validate(intervento)
    _clean(intervento, exclude=["persona", "servizio", "domanda", "cartella", "determina"])
    soglia = intervento.servizio.soglia_conferma
    # The ceiling is per payment: the monthly amount of a periodic benefit (its total up to
    # the ceiling times its months), the amount of a one-off one.
    mesi = (len(mesi_tra(intervento.data_inizio, intervento.data_fine))
            if intervento.data_inizio and intervento.data_fine else 1)
    oltre = [importo for importo, limite in ((intervento.importo_mensile or ZERO, soglia),
                                             (intervento.importo_totale or ZERO, soglia * mesi))
             if importo > limite]
    if oltre and not conferma_importo:
        raise ValidationFailed(oltre_soglia_messaggio(intervento.servizio, oltre[0]),
                               field="conferma_importo")
    return bool(oltre)


def _conferma_payload(intervento: Intervento, confermato: bool) -> dict[str, Any]:
    if not confermato:
        return {}
    return {"importo_confermato_oltre_soglia": True,
            "soglia_conferma": str(intervento.servizio.soglia_conferma)}


def _approva(actor: Actor, intervento: Intervento, oggi: date, motivazione: str) -> None:
    if intervento.determina_id is not None:
        from services.determine.services import determina_verifica_capienza

        determina_verifica_capienza(determina_id=intervento.determina_id, aggiunta=intervento)
    intervento.stato = Intervento.Stato.APPROVATO
    intervento.deciso_da_id = actor.user.pk
    intervento.deciso_da_label = _label(actor.user)
    intervento.deciso_il = oggi
    intervento.motivazione_decisione = motivazione
    intervento.save(update_fields=["stato", "deciso_da_id", "deciso_da_label", "deciso_il",
                                   "motivazione_decisione", "updated_at"])
    _audit(actor, "intervento.approvato", intervento, {"motivazione": motivazione})
    # A periodic benefit with no end yet gets its instalments once the end is known.
    # Only what the comune pays to the person: a placement or home care is paid through the
    # provider's checked invoice, LSU through its monthly pay, an assegno by INPS.
    if intervento.pagato_a != PagatoA.PERSONA:
        return
    if intervento.carattere == Carattere.OCCASIONALE or intervento.data_fine is not None:
        pagamenti_genera(actor=actor, intervento=intervento)


def intervento_decide(*, actor: Actor, intervento: Intervento, approva: bool,
                      motivazione: str = "", oggi: date | None = None) -> Intervento:
    """The dirigente's decision on a proposal; the proposer finds it in their inbox."""
    from services.cartella.history import comune_url
    from services.pai.services.approvazioni import notifica_create

    oggi = oggi or timezone.localdate()
    motivazione = (motivazione or "").strip()
    if not approva and not motivazione:
        raise ValidationFailed(_("Per respingere una proposta indica la motivazione."),
                               field="motivazione")
    with transaction.atomic():
        _lock_determina_of(intervento)
        locked = _lock(intervento)
        if locked.stato != Intervento.Stato.PROPOSTO:
            raise ValidationFailed(_("La proposta è già stata decisa (%(s)s).")
                                   % {"s": locked.get_stato_display()})
        if approva:
            _approva(actor, locked, oggi, motivazione)
            testo = _("Approvata la proposta di %(s)s per %(p)s.")
        else:
            locked.stato = Intervento.Stato.RESPINTO
            locked.deciso_da_id = actor.user.pk
            locked.deciso_da_label = _label(actor.user)
            locked.deciso_il = oggi
            locked.motivazione_decisione = motivazione
            locked.save(update_fields=["stato", "deciso_da_id", "deciso_da_label", "deciso_il",
                                       "motivazione_decisione", "updated_at"])
            _audit(actor, "intervento.respinto", locked, {"motivazione": motivazione})
            testo = _("Respinta la proposta di %(s)s per %(p)s.")
        _domanda_segue(actor, locked)
        if locked.proposto_da_id:
            testo = testo % {"s": locked.servizio.nome, "p": locked.persona.nome_completo}
            if motivazione:
                testo += " " + _("Motivazione: %(m)s") % {"m": motivazione}
            notifica_create(destinatario_id=locked.proposto_da_id, testo=testo,
                            link=comune_url("intervento_detail", public_id=locked.public_id))
    return locked


# What the proposer may still change before the decision (the service, the person and the
# application stay: a different one is a new proposal).
PROPOSTA_CAMPI = ("carattere", "data_inizio", "data_fine", "importo_totale", "importo_mensile",
                  "quota_ente", "quota_utente", "quota_ssn", "ore_mensili",
                  "motivazione_proposta")


def puo_gestire_proposta(user: Any, intervento: Intervento) -> bool:
    """Who may change or withdraw a proposal still waiting: whoever proposed it, or whoever
    decides on proposals."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.has_perm(permission_name(Capability.DECIDE_INTERVENTO)):
        return True
    return bool(intervento.proposto_da_id is not None and intervento.proposto_da_id == user.pk
                and user.has_perm(permission_name(Capability.PROPOSE_INTERVENTO)))


def proposta_verifica_gestibile(user: Any, intervento: Intervento) -> None:
    """NotAllowed unless the proposal still waits for the decision and ``user`` may change or
    withdraw it (the pages ask before showing the form; the writes ask again under lock)."""
    if intervento.stato != Intervento.Stato.PROPOSTO:
        raise NotAllowed(_("La proposta non è più in attesa di decisione (stato: %(s)s): non "
                           "si può più modificare né ritirare.")
                         % {"s": intervento.get_stato_display().lower()})
    if not puo_gestire_proposta(user, intervento):
        raise NotAllowed(_("Solo chi ha proposto l'intervento o il dirigente può modificare o "
                           "ritirare la proposta."))


def _avvisa_proponente(actor: Actor, intervento: Intervento, testo: str) -> None:
    """The proposer learns of a change made by someone else (the dirigente)."""
    from services.cartella.history import comune_url
    from services.pai.services.approvazioni import notifica_create

    if intervento.proposto_da_id and intervento.proposto_da_id != actor.user.pk:
        notifica_create(destinatario_id=intervento.proposto_da_id, testo=testo,
                        link=comune_url("intervento_detail", public_id=intervento.public_id))


def intervento_modifica_proposta(*, actor: Actor, intervento: Intervento,
                                 data_inizio: date | None, data_fine: date | None = None,
                                 carattere: str | None = None,
                                 importo_totale: Decimal | None = None,
                                 importo_mensile: Decimal | None = None,
                                 quota_ente: Decimal | None = None,
                                 quota_utente: Decimal | None = None,
                                 quota_ssn: Decimal | None = None,
                                 ore_mensili: Decimal | None = None,
                                 motivazione: str = "",
                                 conferma_importo: bool = False) -> Intervento:
    """Correct a proposal before the dirigente decides, under the same rules as the
    proposal. The values given replace the proposal's (``carattere`` None: the service's)."""
    with transaction.atomic():
        _lock_determina_of(intervento)
        locked = _lock(intervento)
        proposta_verifica_gestibile(actor.user, locked)
        nuovo = Intervento(
            persona=locked.persona, servizio=locked.servizio,
            tipo=locked.tipo, area_target=locked.area_target,
            carattere=carattere or locked.servizio.carattere, proposto_il=locked.proposto_il,
            motivazione_proposta=(motivazione or "").strip(), data_inizio=data_inizio,
            data_fine=data_fine, importo_totale=importo_totale or ZERO,
            importo_mensile=importo_mensile, quota_ente=quota_ente, quota_utente=quota_utente,
            quota_ssn=quota_ssn, ore_mensili=ore_mensili,
        )
        confermato = _proposta_valida(nuovo, conferma_importo=conferma_importo)
        cambiati = [f for f in PROPOSTA_CAMPI if getattr(locked, f) != getattr(nuovo, f)]
        if not cambiati:
            return locked
        prima = {f: _valore(getattr(locked, f)) for f in cambiati}
        for f in cambiati:
            setattr(locked, f, getattr(nuovo, f))
        locked.save(update_fields=[*cambiati, "updated_at"])
        _audit(actor, "intervento.proposta_modificata", locked,
               {"prima": prima, "dopo": {f: _valore(getattr(locked, f)) for f in cambiati},
                **_conferma_payload(locked, confermato)})
        _avvisa_proponente(actor, locked, _("La tua proposta di %(s)s per %(p)s è stata "
                                            "modificata da %(chi)s.")
                           % {"s": locked.servizio.nome, "p": locked.persona.nome_completo,
                              "chi": _label(actor.user)})
    return locked


def _valore(value: Any) -> Any:
    """A field's value as the audit log's JSON keeps it."""
    return value.isoformat() if isinstance(value, date) else (
        str(value) if isinstance(value, Decimal) else value)


def intervento_ritira_proposta(*, actor: Actor, intervento: Intervento,
                               motivo: str) -> Intervento:
    """Withdraw a proposal before the decision: it is cancelled with the reason and leaves
    the dirigente's list."""
    motivo = (motivo or "").strip()
    if not motivo:
        raise ValidationFailed(_("Indica il motivo del ritiro della proposta."), field="motivo")
    with transaction.atomic():
        locked = _lock(intervento)
        proposta_verifica_gestibile(actor.user, locked)
        locked.stato = Intervento.Stato.ANNULLATO
        riga = _("Proposta ritirata: %(m)s") % {"m": motivo}
        locked.note = f"{locked.note}\n{riga}".strip()
        locked.save(update_fields=["stato", "note", "updated_at"])
        _audit(actor, "intervento.proposta_ritirata", locked, {"motivo": motivo})
        _domanda_segue(actor, locked)
        _avvisa_proponente(actor, locked, _("La tua proposta di %(s)s per %(p)s è stata ritirata "
                                            "da %(chi)s. Motivo: %(m)s")
                           % {"s": locked.servizio.nome, "p": locked.persona.nome_completo,
                              "chi": _label(actor.user), "m": motivo})
    return locked
