"""Writing a PAI: drafting, its goals, interventions and responsible operators, sending it
for approval, reviews, conclusion. Approvals and notices are in ``approvazioni``.

Callers have already checked that the actor may write on the case
(``get_cartella_for_user(..., write=True)``); these functions hold the rules of the plan.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from services.anagrafica.services import Actor
from services.cartella.models import Cartella, ImpostazioniCartella
from services.cartella.services import ensure_writable
from services.core.audit import audit_log
from services.core.errors import AlreadyExists, ValidationFailed

from ..models import (
    PAI,
    Approvazione,
    InterventoPianificato,
    ObiettivoPAI,
    ResponsabilePAI,
    VerificaPAI,
)


def label_of(user: Any) -> str:
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or getattr(user, "email", "") or str(user)


def audit_pai(actor: Actor, action: str, pai: PAI, payload: dict | None = None) -> None:
    audit_log(action=action, actor=actor.user, obj=pai,
              payload={"cartella": str(pai.cartella.public_id), "versione": pai.versione,
                       **(payload or {})},
              ip_address=actor.ip_address)


def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, field=field)
    return value


def _ensure_editable(pai: PAI) -> None:
    ensure_writable(pai.cartella)
    if not pai.is_editable:
        raise ValidationFailed(
            _("Il PAI è «%(stato)s»: si modifica solo in bozza o dopo un respingimento. "
              "Per cambiarlo crea una nuova versione.") % {"stato": pai.get_stato_display()})


def _check_dates(cartella: Cartella, data_inizio: date | None,
                 data_fine_prevista: date | None) -> date:
    if data_inizio is None:
        raise ValidationFailed(_("Indica la data di inizio del PAI."), field="data_inizio")
    if data_inizio < cartella.data_apertura:
        raise ValidationFailed(_("Il PAI non può iniziare prima dell'apertura della cartella "
                                 "(%(d)s).") % {"d": f"{cartella.data_apertura:%d/%m/%Y}"},
                               field="data_inizio")
    if data_fine_prevista is not None and data_fine_prevista < data_inizio:
        raise ValidationFailed(_("La fine prevista precede l'inizio."), field="data_fine_prevista")
    return data_inizio


# --- the plan -------------------------------------------------------------------------------

def pai_create(*, actor: Actor, cartella: Cartella, data_inizio: date | None,
               sintesi_bisogno: str, data_fine_prevista: date | None = None) -> PAI:
    """Draft a new version of the case's PAI. The author is its first responsible."""
    ensure_writable(cartella)
    sintesi_bisogno = _text(sintesi_bisogno, "sintesi_bisogno",
                            _("Descrivi in sintesi il bisogno a cui risponde il PAI."))
    data_inizio = _check_dates(cartella, data_inizio, data_fine_prevista)
    with transaction.atomic():
        # Lock the case: versions are numbered per case without gaps or races.
        Cartella.objects.select_for_update().only("pk").get(pk=cartella.pk)
        in_lavorazione = cartella.piani.filter(
            stato__in=[*PAI.EDITABLE, PAI.Stato.IN_APPROVAZIONE]).first()
        if in_lavorazione is not None:
            raise AlreadyExists(
                _("C'è già un PAI in lavorazione per questa cartella (versione %(v)s, "
                  "«%(stato)s»): completalo prima di crearne un altro.")
                % {"v": in_lavorazione.versione, "stato": in_lavorazione.get_stato_display()})
        ultima = cartella.piani.aggregate(m=Max("versione"))["m"] or 0
        pai = PAI.objects.create(
            cartella=cartella, versione=ultima + 1, data_inizio=data_inizio,
            data_fine_prevista=data_fine_prevista, sintesi_bisogno=sintesi_bisogno,
            creato_da_id=actor.user.pk, creato_da_label=label_of(actor.user),
        )
        ResponsabilePAI.objects.create(pai=pai, user_id=actor.user.pk, label=label_of(actor.user),
                                       ruolo=_("Case manager"))
        audit_pai(actor, "pai.creato", pai)
    return pai


def pai_update(*, actor: Actor, pai: PAI, data_inizio: date | None, sintesi_bisogno: str,
               data_fine_prevista: date | None = None) -> PAI:
    _ensure_editable(pai)
    sintesi_bisogno = _text(sintesi_bisogno, "sintesi_bisogno",
                            _("Descrivi in sintesi il bisogno a cui risponde il PAI."))
    data_inizio = _check_dates(pai.cartella, data_inizio, data_fine_prevista)
    with transaction.atomic():
        pai.data_inizio = data_inizio
        pai.data_fine_prevista = data_fine_prevista
        pai.sintesi_bisogno = sintesi_bisogno
        pai.save(update_fields=["data_inizio", "data_fine_prevista", "sintesi_bisogno",
                                "updated_at"])
        audit_pai(actor, "pai.modificato", pai)
    return pai


def obiettivo_add(*, actor: Actor, pai: PAI, descrizione: str,
                  indicatore: str = "") -> ObiettivoPAI:
    _ensure_editable(pai)
    descrizione = _text(descrizione, "descrizione", _("Descrivi l'obiettivo."))
    with transaction.atomic():
        obiettivo = ObiettivoPAI.objects.create(pai=pai, descrizione=descrizione,
                                                indicatore=(indicatore or "").strip())
        audit_pai(actor, "pai.obiettivo_aggiunto", pai, {"obiettivo": str(obiettivo.public_id)})
    return obiettivo


def obiettivo_remove(*, actor: Actor, obiettivo: ObiettivoPAI) -> None:
    pai = obiettivo.pai
    _ensure_editable(pai)
    with transaction.atomic():
        audit_pai(actor, "pai.obiettivo_rimosso", pai,
                  {"obiettivo": str(obiettivo.public_id), "descrizione": obiettivo.descrizione})
        obiettivo.delete()


def intervento_add(*, actor: Actor, pai: PAI, descrizione: str, dal: date | None,
                   area: str = "", frequenza: str = "", al: date | None = None,
                   responsabile: Any = None) -> InterventoPianificato:
    """Plan an intervention; ``responsabile`` is a user of the comune or None."""
    _ensure_editable(pai)
    descrizione = _text(descrizione, "descrizione", _("Descrivi l'intervento."))
    if dal is None:
        raise ValidationFailed(_("Indica da quando è previsto l'intervento."), field="dal")
    if al is not None and al < dal:
        raise ValidationFailed(_("La data di fine precede l'inizio."), field="al")
    if responsabile is not None:
        _ensure_member(responsabile, "responsabile")
    with transaction.atomic():
        intervento = InterventoPianificato.objects.create(
            pai=pai, descrizione=descrizione, area=(area or "").strip(),
            frequenza=(frequenza or "").strip(), dal=dal, al=al,
            responsabile_id=getattr(responsabile, "pk", None),
            responsabile_label=label_of(responsabile) if responsabile is not None else "",
        )
        if responsabile is not None:
            _abilita_sul_caso(actor, pai, responsabile, "")
        audit_pai(actor, "pai.intervento_aggiunto", pai, {"intervento": str(intervento.public_id)})
    return intervento


def intervento_remove(*, actor: Actor, intervento: InterventoPianificato) -> None:
    pai = intervento.pai
    _ensure_editable(pai)
    with transaction.atomic():
        audit_pai(actor, "pai.intervento_rimosso", pai,
                  {"intervento": str(intervento.public_id), "descrizione": intervento.descrizione})
        intervento.delete()


def _abilita_sul_caso(actor: Actor, pai: PAI, user: Any, ruolo: str) -> bool:
    """Who is named responsible in a PAI works on the case: they are enabled on the case
    file now, when their role reads case files and the actor may enable colleagues (the
    social worker on the case). Returns whether they are enabled; when not, the page tells
    the user to do it (or that the role cannot read case files)."""
    from django.db import connection

    from services.cartella.selectors import can_change, is_enabled_on
    from services.cartella.services import operatore_abilita
    from tenants.roles import ROLE_CAPABILITIES, Capability
    from tenants.selectors import membership_for

    cartella = pai.cartella
    if is_enabled_on(user, cartella):
        return True
    membership = membership_for(user, connection.tenant)  # type: ignore[attr-defined]
    legge = membership is not None and Capability.VIEW_CARTELLA in ROLE_CAPABILITIES.get(
        membership.role, frozenset())
    if not legge or not can_change(actor.user, cartella) or cartella.sola_lettura:
        return False
    operatore_abilita(actor=actor, cartella=cartella, user=user,
                      ruolo=(ruolo or "").strip() or _("Responsabile nel PAI"),
                      dal=timezone.localdate())
    return True


def _ensure_member(user: Any, field: str) -> None:
    from django.db import connection

    from tenants.selectors import membership_for

    if membership_for(user, connection.tenant) is None:  # type: ignore[attr-defined]
        raise ValidationFailed(_("L'operatore non lavora in questo comune."), field=field)


def responsabile_add(*, actor: Actor, pai: PAI, user: Any, ruolo: str = "") -> ResponsabilePAI:
    _ensure_editable(pai)
    _ensure_member(user, "user")
    if pai.responsabili.filter(user_id=user.pk).exists():
        raise AlreadyExists(_("%(who)s è già tra i responsabili del PAI.")
                            % {"who": label_of(user)}, field="user")
    with transaction.atomic():
        responsabile = ResponsabilePAI.objects.create(pai=pai, user_id=user.pk,
                                                      label=label_of(user),
                                                      ruolo=(ruolo or "").strip())
        _abilita_sul_caso(actor, pai, user, ruolo)
        audit_pai(actor, "pai.responsabile_aggiunto", pai, {"operatore": user.pk})
    return responsabile


def responsabile_remove(*, actor: Actor, responsabile: ResponsabilePAI) -> None:
    pai = responsabile.pai
    _ensure_editable(pai)
    if pai.responsabili.count() <= 1:
        raise ValidationFailed(_("Il PAI deve avere almeno un responsabile."))
    with transaction.atomic():
        audit_pai(actor, "pai.responsabile_rimosso", pai, {"operatore": responsabile.user_id})
        responsabile.delete()


def pai_submit(*, actor: Actor, pai: PAI, nota: str = "") -> PAI:
    """Send the draft for the dirigente's approval, or put it in force directly where the
    comune does not require approval."""
    _ensure_editable(pai)
    if not pai.obiettivi.exists():
        raise ValidationFailed(_("Indica almeno un obiettivo prima di inviare il PAI."))
    with transaction.atomic():
        if ImpostazioniCartella.current().approvazione_pai:
            Approvazione.objects.create(
                tipo=Approvazione.Tipo.PAI, cartella=pai.cartella, pai=pai,
                richiesta_da_id=actor.user.pk, richiesta_da_label=label_of(actor.user),
                nota=(nota or "").strip(),
            )
            pai.stato = PAI.Stato.IN_APPROVAZIONE
            pai.save(update_fields=["stato", "updated_at"])
            audit_pai(actor, "pai.inviato_in_approvazione", pai)
        else:
            pai_put_in_force(actor=actor, pai=pai)
    return pai


def pai_put_in_force(*, actor: Actor, pai: PAI) -> PAI:
    """The plan becomes the one in force; the previous one in force is concluded. Called by
    ``pai_submit`` (no approval needed) and by the dirigente's approval."""
    oggi = timezone.localdate()
    with transaction.atomic():
        precedente = (PAI.objects.select_for_update()
                      .filter(cartella=pai.cartella, stato=PAI.Stato.APPROVATO)
                      .exclude(pk=pai.pk).first())
        if precedente is not None:
            precedente.stato = PAI.Stato.CONCLUSO
            precedente.data_conclusione = max(oggi, precedente.data_inizio)
            precedente.esito_conclusione = (_("Sostituito dalla versione %(v)s.")
                                            % {"v": pai.versione})
            precedente.save(update_fields=["stato", "data_conclusione", "esito_conclusione",
                                           "updated_at"])
            audit_pai(actor, "pai.concluso", precedente, {"sostituito_da": pai.versione})
        pai.stato = PAI.Stato.APPROVATO
        pai.approvato_il = timezone.now()
        pai.approvato_da_label = label_of(actor.user)
        pai.save(update_fields=["stato", "approvato_il", "approvato_da_label", "updated_at"])
        audit_pai(actor, "pai.approvato", pai)
    return pai


def pai_conclude(*, actor: Actor, pai: PAI, data: date | None, esito: str) -> PAI:
    """Conclude the plan in force with its final outcome, or set aside a draft or a
    rejected plan that will not go ahead (so a new version can be drafted)."""
    ensure_writable(pai.cartella)
    if pai.stato not in (PAI.Stato.APPROVATO, *PAI.EDITABLE):
        raise ValidationFailed(_("Il PAI è «%(stato)s»: non si può concludere.")
                               % {"stato": pai.get_stato_display()})
    esito = _text(esito, "esito", _("Descrivi l'esito finale del PAI."))
    if data is None:
        raise ValidationFailed(_("Indica la data di conclusione."), field="data")
    if pai.stato == PAI.Stato.APPROVATO and data < pai.data_inizio:
        raise ValidationFailed(_("La data di conclusione precede l'inizio del PAI."), field="data")
    if data > timezone.localdate():
        raise ValidationFailed(_("La data di conclusione non può essere nel futuro."), field="data")
    with transaction.atomic():
        pai.stato = PAI.Stato.CONCLUSO
        pai.data_conclusione = data
        pai.esito_conclusione = esito
        pai.save(update_fields=["stato", "data_conclusione", "esito_conclusione", "updated_at"])
        # The review still in the diary is not going to happen.
        pai.verifiche.filter(data_effettuata__isnull=True).delete()
        audit_pai(actor, "pai.concluso", pai)
    return pai


# --- reviews --------------------------------------------------------------------------------

def _ensure_reviewable(pai: PAI) -> None:
    ensure_writable(pai.cartella)
    if pai.stato != PAI.Stato.APPROVATO:
        raise ValidationFailed(_("Le verifiche riguardano il PAI in vigore: questo è "
                                 "«%(stato)s».") % {"stato": pai.get_stato_display()})


def verifica_schedule(*, actor: Actor, pai: PAI, data_prevista: date | None) -> VerificaPAI:
    """Put the next review in the diary; if one is already there, move it."""
    _ensure_reviewable(pai)
    if data_prevista is None:
        raise ValidationFailed(_("Indica la data della verifica."), field="data_prevista")
    if data_prevista < pai.data_inizio:
        raise ValidationFailed(_("La verifica non può precedere l'inizio del PAI."),
                               field="data_prevista")
    with transaction.atomic():
        verifica = (VerificaPAI.objects.select_for_update()
                    .filter(pai=pai, data_effettuata__isnull=True).first())
        if verifica is None:
            verifica = VerificaPAI.objects.create(pai=pai, data_prevista=data_prevista)
        else:
            verifica.data_prevista = data_prevista
            verifica.save(update_fields=["data_prevista", "updated_at"])
        audit_pai(actor, "pai.verifica_programmata", pai,
                  {"data_prevista": data_prevista.isoformat()})
    return verifica


def verifica_record(*, actor: Actor, pai: PAI, data_effettuata: date | None, esito: str,
                    valutazioni: dict[str, str] | None = None,
                    prossima: date | None = None) -> VerificaPAI:
    """Record the outcome of a review (the one in the diary, or an unscheduled one), the
    assessment of each goal if given, and schedule the next review if a date is given."""
    _ensure_reviewable(pai)
    esito = _text(esito, "esito", _("Descrivi l'esito della verifica."))
    if data_effettuata is None:
        raise ValidationFailed(_("Indica quando si è svolta la verifica."), field="data_effettuata")
    if data_effettuata > timezone.localdate():
        raise ValidationFailed(_("La verifica non può essere registrata prima di svolgersi."),
                               field="data_effettuata")
    if data_effettuata < pai.data_inizio:
        raise ValidationFailed(_("La verifica non può precedere l'inizio del PAI."),
                               field="data_effettuata")
    if prossima is not None and prossima <= data_effettuata:
        raise ValidationFailed(_("La prossima verifica deve essere successiva a questa."),
                               field="prossima")
    obiettivi = {str(o.public_id): o for o in pai.obiettivi.all()}
    valutazioni = {k: v for k, v in (valutazioni or {}).items() if v}
    for key, value in valutazioni.items():
        if key not in obiettivi:
            raise ValidationFailed(_("Un obiettivo valutato non appartiene a questo PAI."))
        if value not in ObiettivoPAI.Esito.values:
            raise ValidationFailed(_("Esito dell'obiettivo non valido."))
    with transaction.atomic():
        verifica = (VerificaPAI.objects.select_for_update()
                    .filter(pai=pai, data_effettuata__isnull=True).first())
        if verifica is None:
            verifica = VerificaPAI(pai=pai, data_prevista=data_effettuata)
        verifica.data_effettuata = data_effettuata
        verifica.esito = esito
        verifica.valutazioni = valutazioni
        verifica.registrata_da_id = actor.user.pk
        verifica.registrata_da_label = label_of(actor.user)
        verifica.save()
        for key, value in valutazioni.items():
            obiettivo = obiettivi[key]
            if obiettivo.esito != value:
                obiettivo.esito = value
                obiettivo.save(update_fields=["esito", "updated_at"])
        audit_pai(actor, "pai.verifica_registrata", pai,
                  {"data": data_effettuata.isoformat(), "valutazioni": valutazioni})
        if prossima is not None:
            VerificaPAI.objects.create(pai=pai, data_prevista=prossima)
            audit_pai(actor, "pai.verifica_programmata", pai,
                      {"data_prevista": prossima.isoformat()})
    return verifica
