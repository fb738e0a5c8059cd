"""The social worker's review of the schede the front office forwarded (seed 002, "Presa in
carico"): take the person in charge — open their case file, reopen a closed one, or add the
scheda to the one already open — recording the first professional interview and the
problems found. Rejecting a scheda is the segretariato's own rule:
``services.accesso.services.scheda_respingi``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.accesso.models import AreaTarget, Consenso, SchedaAccesso
from services.accesso.selectors import is_legal_representative, mandato_autorita_giudiziaria
from services.accesso.services import consenso_registra, scheda_applica_diniego
from services.anagrafica.models import Persona
from services.anagrafica.services import Actor
from services.core.audit import audit_log
from services.core.errors import NotAllowed, ValidationFailed

from .diario import voce_diario_crea
from .fascicolo import problematica_registra
from .models import Cartella, MovimentoCartella, Problematica, VoceDiario
from .selectors import is_enabled_on
from .services import (
    _label,
    _prendi_in_carico,
    cartella_apri,
    cartella_riapri,
)


class Esito:
    APERTA = "aperta"
    RIAPERTA = "riaperta"
    COLLEGATA = "collegata"
    # Consent refused at the first interview: nobody taken in charge, the scheda keeps only
    # what the rules allow (``accesso.services.scheda_applica_diniego``).
    DINIEGO = "diniego"


@dataclass(frozen=True)
class PresaInCarico:
    cartella: Cartella | None  # None only with Esito.DINIEGO
    esito: str  # Esito.*
    consenso: Consenso | None = None


def _check_answer(scheda: SchedaAccesso, persona: Persona, consenso: str,
                  rilasciato_da: Persona | None) -> None:
    """At the first interview after a public official's written report the consent is asked
    ("Al primo colloquio con l'utente o legale rappresentante l'operatore sociale avrà cura
    di richiedere il consenso al trattamento dei dati personali"); for any other scheda
    the answer is optional (recorded when given)."""
    if consenso and consenso not in (Consenso.Stato.CONCESSO, Consenso.Stato.NEGATO):
        raise ValidationFailed(_("Il consenso è concesso o negato."), field="consenso")
    if (scheda.interlocutore_tipo == SchedaAccesso.Interlocutore.PUBBLICO_UFFICIALE
            and not consenso):
        raise ValidationFailed(
            _("Segnalazione di un pubblico ufficiale: al primo colloquio chiedi alla persona "
              "o al suo legale rappresentante il consenso al trattamento dei dati e indica la "
              "risposta."), field="consenso")
    if rilasciato_da is not None and not is_legal_representative(persona, rilasciato_da):
        raise ValidationFailed(
            _("%(who)s non risulta in anagrafica tutore, curatore o amministratore di sostegno "
              "della persona.") % {"who": rilasciato_da.nome_completo}, field="consenso_da")


def _refusal_stops_the_service(scheda: SchedaAccesso, persona: Persona) -> bool:
    """Without a judicial order (the scheda's own or an earlier one) or a suspected harm, a
    refusal means the service cannot act."""
    return not (scheda.richiede_cartella or scheda.presunto_pregiudizio
                or mandato_autorita_giudiziaria(persona) is not None)


def _lock_inoltrata(scheda: SchedaAccesso) -> SchedaAccesso:
    """The scheda, locked, if it is still waiting for a social worker."""
    locked = SchedaAccesso.objects.select_for_update().get(pk=scheda.pk)
    if locked.stato != SchedaAccesso.Stato.INOLTRATA:
        raise ValidationFailed(
            _("La scheda n. %(n)s non è più da valutare (stato: %(stato)s).")
            % {"n": locked.numero, "stato": locked.get_stato_display()}
        )
    return locked


def _clean_problematiche(problematiche: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    out = []
    for categoria, descrizione in problematiche:
        if categoria not in Problematica.Categoria.values:
            raise ValidationFailed(_("Categoria di problematica non valida."),
                                   field="problematiche")
        out.append((categoria, (descrizione or "").strip()))
    return out


def _assumi_responsabilita(actor: Actor, cartella: Cartella, area_target: str,
                           data: date) -> None:
    """On a reopened or linked case, the social worker taking it now answers for it, with
    the area target they assessed."""
    changed = []
    if cartella.responsabile_id != actor.user.pk:
        cartella.responsabile_id = actor.user.pk
        cartella.responsabile_label = _label(actor.user)
        changed += ["responsabile_id", "responsabile_label"]
        MovimentoCartella.objects.create(
            cartella=cartella, tipo=MovimentoCartella.Tipo.RESPONSABILE, data=data,
            motivo=_("Nuova presa in carico"), operatore_id=actor.user.pk,
            operatore_label=_label(actor.user))
    if cartella.area_target != area_target:
        changed.append("area_target")
        cartella.area_target = area_target
    if changed:
        cartella.save(update_fields=[*changed, "updated_at"])
        audit_log(action="cartella.aggiornata", actor=actor.user, obj=cartella,
                  payload={"campi": changed}, ip_address=actor.ip_address)


def scheda_prendi_in_carico(
    *,
    actor: Actor,
    scheda: SchedaAccesso,
    area_target: str,
    data: date,
    colloquio: str,
    colloquio_riservato: bool = False,
    problematiche: Sequence[tuple[str, str]] = (),
    consenso: str = "",
    consenso_modalita: str = Consenso.Modalita.SCRITTO,
    consenso_rilasciato_da: Persona | None = None,
) -> PresaInCarico:
    """Take the person of the scheda in charge after the first professional interview.

    No case file, or a closed one: it is opened (reopened) with the acting social worker
    responsible. A case already open or suspended: the scheda is added to it, if the social
    worker works on that case; otherwise the scheda waits for the colleague who does.

    ``consenso`` is the answer asked at this interview (required after a public official's
    report), given by the person or by ``consenso_rilasciato_da``, their legal
    representative on record. It is recorded in the person's consent history. A refusal,
    with no judicial order nor suspected harm, takes nobody in charge: the scheda keeps only
    what the rules allow (Esito.DINIEGO, no case file). After a judicial order the refusal
    is recorded and the service goes on.
    """
    if scheda.utente_id is None:
        raise ValidationFailed(_("La scheda non riguarda una persona identificata: non si può "
                                 "aprire una cartella."))
    if area_target not in AreaTarget.values:
        raise ValidationFailed(_("Scegli l'area target del caso."), field="area_target")
    if data is None or data > timezone.localdate():
        raise ValidationFailed(_("La data del colloquio non può essere nel futuro."),
                               field="data")
    colloquio = (colloquio or "").strip()
    if not colloquio:
        raise ValidationFailed(_("Riporta l'esito del primo colloquio professionale."),
                               field="colloquio")
    righe = _clean_problematiche(problematiche)
    persona: Persona = scheda.utente  # type: ignore[assignment]
    consenso = (consenso or "").strip()
    _check_answer(scheda, persona, consenso, consenso_rilasciato_da)

    with transaction.atomic():
        locked = _lock_inoltrata(scheda)
        risposta: Consenso | None = None
        if consenso:
            risposta = consenso_registra(actor=actor, persona=persona, stato=consenso,
                                         data=data, modalita=consenso_modalita,
                                         rilasciato_da=consenso_rilasciato_da,
                                         note=_("Primo colloquio, scheda n. %(n)s")
                                         % {"n": locked.numero})
            if (consenso == Consenso.Stato.NEGATO
                    and _refusal_stops_the_service(locked, persona)):
                scheda_applica_diniego(actor=actor, scheda=locked, consenso=risposta)
                scheda.refresh_from_db()
                return PresaInCarico(cartella=None, esito=Esito.DINIEGO, consenso=risposta)
            locked.consenso = risposta
            locked.save(update_fields=["consenso", "updated_at"])
        cartella = Cartella.objects.select_for_update().filter(persona=persona).first()
        if cartella is None or cartella.stato == Cartella.Stato.CHIUSA:
            esito = Esito.APERTA if cartella is None else Esito.RIAPERTA
            cartella = cartella_apri(
                actor=actor, persona=persona, area_target=area_target, data=data, scheda=locked,
                motivo=_("Presa in carico dalla scheda di accesso n. %(n)s") % {"n": locked.numero},
            )
            tipo_voce = VoceDiario.Tipo.PRIMO_COLLOQUIO
        else:
            if not is_enabled_on(actor.user, cartella) or cartella.sola_lettura:
                raise NotAllowed(
                    _("%(who)s è già seguito/a da %(resp)s (cartella n. %(n)s): la scheda resta "
                      "da valutare per chi lavora sul caso.")
                    % {"who": persona.nome_completo, "resp": cartella.responsabile_label,
                       "n": cartella.numero})
            if cartella.stato == Cartella.Stato.SOSPESA:
                esito = Esito.RIAPERTA
                cartella_riapri(actor=actor, cartella=cartella, data=data, scheda=locked,
                                motivo=_("Nuova scheda di accesso n. %(n)s") % {"n": locked.numero})
            else:
                esito = Esito.COLLEGATA
                _prendi_in_carico(locked, cartella)
            tipo_voce = VoceDiario.Tipo.COLLOQUIO
        if esito != Esito.APERTA:
            _assumi_responsabilita(actor, cartella, area_target, data)
            voce_diario_crea(
                actor=actor, cartella=cartella, tipo=VoceDiario.Tipo.NOTA, data=data,
                testo=_("Collegata la scheda di accesso n. %(n)s del %(d)s. Bisogno espresso: "
                        "%(b)s") % {"n": locked.numero, "d": f"{locked.data:%d/%m/%Y}",
                                    "b": locked.bisogno_espresso or "—"})
        voce_diario_crea(actor=actor, cartella=cartella, tipo=tipo_voce, data=data,
                         testo=colloquio, riservata=colloquio_riservato)
        for categoria, descrizione in righe:
            problematica_registra(actor=actor, cartella=cartella, categoria=categoria,
                                  descrizione=descrizione, rilevata_il=data)
        audit_log(action="scheda.presa_in_carico", actor=actor.user, obj=locked,
                  payload={"cartella": str(cartella.public_id), "esito": esito},
                  ip_address=actor.ip_address)
    scheda.refresh_from_db()
    return PresaInCarico(cartella=cartella, esito=esito, consenso=risposta)


def dati_per_valutazione(scheda: SchedaAccesso) -> dict[str, Any]:
    """What the review page shows besides the scheda: the person's case file, if any."""
    cartella = None
    if scheda.utente_id is not None:
        cartella = Cartella.objects.filter(persona_id=scheda.utente_id).first()
    return {"cartella_esistente": cartella}
