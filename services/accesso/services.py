"""Writes of the segretariato sociale: schede di accesso and consent (resources of the
territory in ``risorse``, re-exported here).

The consent rules come from the access process of seed 002 and live, quoted, in
``regole``. Every function runs in one transaction: a refusal writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.anagrafica.models import Persona
from services.anagrafica.services import Actor, persona_create, register_merge_hook
from services.core.errors import AmbitoError, NotAllowed, ValidationFailed
from services.core.numbering import next_number
from tenants.roles import Capability, permission_name

from .common import audit, full_clean, label_of, text
from .models import AreaTarget, Consenso, Risorsa, SchedaAccesso, Sportello
from .regole import NuovaPersona, PersonaInput, check_person, regole_consenso
from .risorse import risorsa_create, risorsa_update
from .selectors import consenso_attuale, is_legal_representative

__all__ = ["CLOSING", "NuovaPersona", "consenso_registra", "risorsa_create", "risorsa_update",
           "scheda_close", "scheda_create", "scheda_respingi", "scheda_applica_diniego"]

Tipo = SchedaAccesso.Interlocutore


# --- consent ------------------------------------------------------------------------------


def _check_consenso(stato: str, data: date | None, modalita: str) -> None:
    if stato not in Consenso.Stato.values:
        raise ValidationFailed(_("Indica se il consenso è stato concesso, negato o revocato."),
                               field="consenso")
    if modalita not in Consenso.Modalita.values:
        raise ValidationFailed(_("Indica come è stato raccolto il consenso."),
                               field="consenso_modalita")
    if data is None:
        raise ValidationFailed(_("Indica la data del consenso."), field="data")
    if data > timezone.localdate():
        raise ValidationFailed(_("La data del consenso non può essere nel futuro."),
                               field="data")


def consenso_registra(
    *,
    actor: Actor,
    persona: Persona,
    stato: str,
    data: date,
    modalita: str = Consenso.Modalita.SCRITTO,
    rilasciato_da: Persona | None = None,
    note: str = "",
) -> Consenso:
    """Record the person's answer on the processing of their data. History is kept: the
    latest answer is the one in force (``selectors.consenso_attuale``).

    ``rilasciato_da`` is the legal representative who answered for the person (None when
    the person answered themselves)."""
    _check_consenso(stato, data, modalita)
    if persona.stato == Persona.Stato.UNITA:
        raise ValidationFailed(_("La scheda anagrafica è stata unita a un'altra: usa quella."))
    if rilasciato_da is not None and rilasciato_da.pk == persona.pk:
        rilasciato_da = None
    with transaction.atomic():
        consenso = Consenso.objects.create(
            persona=persona, stato=stato, data=data, modalita=modalita,
            rilasciato_da=rilasciato_da, raccolto_da=getattr(actor.user, "pk", None),
            note=text(note)[:300],
        )
        audit(actor, "consenso.registrato", persona,
               {"stato": stato, "tramite_rappresentante": rilasciato_da is not None})
    return consenso


# --- schede di accesso --------------------------------------------------------------------


def _persona(actor: Actor, value: PersonaInput, slot: str) -> Persona | None:
    """The registry person for a slot (utente, interlocutore, riferimento), created now if
    new. Errors name the slot's field (``utente-cognome``) so the form can show them."""
    if value is None or isinstance(value, Persona):
        return value
    try:
        return persona_create(
            actor=actor, cognome=value.cognome, nome=value.nome, sesso=value.sesso,
            data_nascita=value.data_nascita, codice_fiscale=value.codice_fiscale,
            telefono=value.telefono, conferma_omonimia=value.conferma_omonimia,
        )
    except AmbitoError as exc:
        exc.field = f"{slot}-{exc.field}" if exc.field else slot
        exc.slot = slot  # type: ignore[attr-defined]
        raise



def scheda_create(
    *,
    actor: Actor,
    interlocutore_tipo: str,
    canale: str,
    data: datetime | None = None,
    utente: PersonaInput = None,
    interlocutore: PersonaInput = None,
    interlocutore_ente: str = "",
    riferimento: PersonaInput = None,
    consenso: str = "",
    consenso_modalita: str = Consenso.Modalita.SCRITTO,
    provvedimento_numero: str = "",
    provvedimento_data: date | None = None,
    segnalazione_scritta: bool = False,
    testo_segnalazione: str = "",
    presunto_pregiudizio: bool = False,
    bisogno_espresso: str = "",
    servizio_richiesto: str = "",
    sportello: Sportello | None = None,
    area_bisogno: str = "",
) -> SchedaAccesso:
    """Register a contact with the front office, applying the consent rule of the
    interlocutor type (see ``regole.regole_consenso``, which quotes seed 002 for each):

    - autorità giudiziaria: the utente is registered without consent, the order's number
      and date are required, and the scheda goes straight to the social worker (INOLTRATA);
    - pubblico ufficiale: written reports only; without the utente's consent only the
      report and the utente's identity are kept;
    - utente: ``consenso="negato"`` keeps no personal data (anonymous, closed
      CONSENSO_NEGATO) and, for a person already in the registry, records the refusal in
      their consent history; ``"concesso"`` records the consent in the same transaction;
    - legale rappresentante: without an answer the scheda cannot be filled in; a refusal
      is treated as the person's own;
    - after an order of the judicial authority about the utente, a refusal (of the person
      or of the legal representative) is recorded and the scheda goes on with their data;
    - segnalante: never asks services for the utente (no title); without the utente's
      earlier consent no details of their need are kept either;
    - presunto pregiudizio (any interlocutor but anonymous): always registered with the
      utente's data, closed as a report to the judicial authority and forwarded;
    - anonimo: no identity of anyone.

    ``consenso`` is the answer given during this contact ("" = not asked: the consent
    already on record counts). New persons (``NuovaPersona``) are created only when the
    scheda keeps them. ``sportello`` is the front office that took the contact (an active
    one of this ente; None: not recorded)."""
    interlocutore_ente = text(interlocutore_ente)
    testo_segnalazione = text(testo_segnalazione)
    provvedimento_numero = text(provvedimento_numero)
    bisogno_espresso = text(bisogno_espresso)
    servizio_richiesto = text(servizio_richiesto)
    if canale not in SchedaAccesso.Canale.values:
        raise ValidationFailed(_("Indica il canale del contatto."), field="canale")
    now = timezone.now()
    data = data or now
    if data > now + timedelta(minutes=5):
        raise ValidationFailed(_("La data del contatto non può essere nel futuro."),
                               field="data")
    if len(servizio_richiesto) > 200:
        raise ValidationFailed(_("Il servizio richiesto è al massimo di 200 caratteri."),
                               field="servizio_richiesto")
    if area_bisogno and area_bisogno not in AreaTarget.values:
        raise ValidationFailed(_("Area del bisogno non valida."), field="area_bisogno")
    # By id and public id: a front office of another schema may share the id, never both.
    if sportello is not None and not Sportello.objects.filter(
            pk=sportello.pk, public_id=sportello.public_id, attivo=True).exists():
        raise ValidationFailed(_("Scegli uno sportello attivo di questo ente."),
                               field="sportello")
    for slot, value in (("utente", utente), ("interlocutore", interlocutore),
                        ("riferimento", riferimento)):
        check_person(value, slot)
    piano = regole_consenso(tipo=interlocutore_tipo, utente=utente, interlocutore=interlocutore,
                   riferimento=riferimento, consenso=consenso,
                   segnalazione_scritta=segnalazione_scritta,
                   testo_segnalazione=testo_segnalazione,
                   provvedimento_numero=provvedimento_numero,
                   provvedimento_data=provvedimento_data,
                   interlocutore_ente=interlocutore_ente, pregiudizio=presunto_pregiudizio,
                   # The area of the need is a detail of it: the same rule applies.
                   bisogno=bisogno_espresso or area_bisogno, servizio=servizio_richiesto)
    if piano.record_consent or piano.record_on_registered:
        _check_consenso(consenso, timezone.localdate(data), consenso_modalita)
    anonimo = interlocutore_tipo == Tipo.ANONIMO
    with transaction.atomic():
        persone: dict[str, Persona | None] = {"utente": None, "interlocutore": None,
                                               "riferimento": None}
        if piano.keep_persons:
            persone["utente"] = _persona(actor, utente, "utente")
            if interlocutore_tipo != Tipo.UTENTE:
                persone["interlocutore"] = _persona(actor, interlocutore, "interlocutore")
            persone["riferimento"] = _persona(actor, riferimento, "riferimento")
        user_of = persone["utente"]
        scheda_consenso: Consenso | None = None
        if piano.record_on_registered and isinstance(utente, Persona):
            # Refused: the answer goes into the person's consent history, the scheda keeps
            # no link to them.
            consenso_registra(
                actor=actor, persona=utente, stato=consenso, data=timezone.localdate(data),
                modalita=consenso_modalita,
                rilasciato_da=(interlocutore if interlocutore_tipo == Tipo.LEGALE_RAPPRESENTANTE
                               and isinstance(interlocutore, Persona) else None),
            )
        if piano.record_consent and user_of is not None:
            scheda_consenso = consenso_registra(
                actor=actor, persona=user_of, stato=consenso, data=timezone.localdate(data),
                modalita=consenso_modalita,
                rilasciato_da=(persone["interlocutore"]
                               if interlocutore_tipo == Tipo.LEGALE_RAPPRESENTANTE else None),
            )
        elif user_of is not None:
            scheda_consenso = consenso_attuale(user_of)
        scheda = SchedaAccesso(
            numero=next_number("scheda", timezone.localtime(data).year),
            data=data, canale=canale, interlocutore_tipo=interlocutore_tipo,
            utente=user_of, interlocutore=persone["interlocutore"], riferimento=persone["riferimento"],
            interlocutore_ente="" if anonimo else interlocutore_ente,
            provvedimento_numero=(provvedimento_numero
                                  if interlocutore_tipo == Tipo.AUTORITA_GIUDIZIARIA else ""),
            provvedimento_data=(provvedimento_data
                                if interlocutore_tipo == Tipo.AUTORITA_GIUDIZIARIA else None),
            segnalazione_scritta=segnalazione_scritta and not anonimo,
            testo_segnalazione="" if anonimo or not piano.keep_persons else testo_segnalazione,
            presunto_pregiudizio=presunto_pregiudizio,
            bisogno_espresso=bisogno_espresso,
            servizio_richiesto=servizio_richiesto if piano.keep_persons else "",
            consenso=scheda_consenso, stato=piano.stato, esito=piano.esito,
            chiusa_il=now if piano.esito else None,
            operatore_id=actor.user.pk, operatore_label=label_of(actor.user),
            sportello=sportello, area_bisogno=area_bisogno,
        )
        full_clean(scheda, validate_unique=False)
        scheda.save()
        audit(actor, "scheda.creata", scheda, {
            "interlocutore": interlocutore_tipo, "stato": scheda.stato, "esito": scheda.esito,
            "sportello": sportello.pk if sportello is not None else None,
            "identita": user_of is not None,
            "mandato_ag": piano.mandato.numero if piano.mandato is not None else None,
            "rappresentanza_verificata": (
                is_legal_representative(user_of, persone["interlocutore"])
                if interlocutore_tipo == Tipo.LEGALE_RAPPRESENTANTE else None),
        })
    return scheda


CLOSING: dict[str, str] = {
    SchedaAccesso.Esito.INFORMAZIONI: SchedaAccesso.Stato.CHIUSA,
    SchedaAccesso.Esito.INVIO_SERVIZIO: SchedaAccesso.Stato.CHIUSA,
    SchedaAccesso.Esito.RESPINTA: SchedaAccesso.Stato.CHIUSA,
    SchedaAccesso.Esito.INOLTRO_AS: SchedaAccesso.Stato.INOLTRATA,
    # The social service makes the report to the prosecutor: the social worker gets it.
    SchedaAccesso.Esito.SEGNALAZIONE_AG: SchedaAccesso.Stato.INOLTRATA,
}


def scheda_close(*, actor: Actor, scheda: SchedaAccesso, esito: str, motivo: str = "",
                 risorse: Iterable[Risorsa] = (), assistente_id: int | None = None
                 ) -> SchedaAccesso:
    """Close an open scheda at the front office: information given (say which), sent to a
    resource of the territory (at least one), forwarded to the social worker or reported to
    the judicial authority (both need the utente's identity; the scheda becomes INOLTRATA),
    or refused with a reason.

    A forwarded scheda may go to a chosen social worker (``assistente_id``, a member who
    takes schede in charge): they are told in their inbox."""
    from .selectors import assistenti_sociali

    E = SchedaAccesso.Esito
    scelto = None
    if assistente_id is not None:
        if esito not in (E.INOLTRO_AS, E.SEGNALAZIONE_AG):
            raise ValidationFailed(_("Si sceglie l'assistente sociale solo per una scheda "
                                     "inoltrata o segnalata."), field="assistente")
        scelto = next((m.user for m in assistenti_sociali() if m.user_id == assistente_id),
                      None)
        if scelto is None:
            raise ValidationFailed(_("Scegli un assistente sociale di questo comune."),
                                   field="assistente")
    motivo = text(motivo)
    risorse = list(risorse)
    if esito not in CLOSING:
        raise ValidationFailed(_("Scegli come si è concluso il contatto."), field="esito")
    if esito == E.INFORMAZIONI and not motivo:
        raise ValidationFailed(_("Annota quali informazioni sono state date."), field="motivo")
    if esito == E.RESPINTA and not motivo:
        raise ValidationFailed(_("Indica il motivo per cui la richiesta non è accolta."),
                               field="motivo")
    if esito == E.INVIO_SERVIZIO and not risorse:
        raise ValidationFailed(_("Indica almeno una risorsa a cui la persona è stata inviata."),
                               field="risorse")
    if any(not r.attiva for r in risorse):
        raise ValidationFailed(_("Una delle risorse scelte non è più attiva."), field="risorse")
    with transaction.atomic():
        scheda = SchedaAccesso.objects.select_for_update().get(pk=scheda.pk)
        if scheda.stato != SchedaAccesso.Stato.APERTA:
            raise ValidationFailed(_("La scheda n. %(n)s non è aperta (%(stato)s).")
                                   % {"n": scheda.numero, "stato": scheda.get_stato_display()})
        if scheda.presunto_pregiudizio and esito != E.SEGNALAZIONE_AG:
            raise ValidationFailed(_("Una scheda con presunto pregiudizio si chiude come "
                                     "segnalazione all'autorità giudiziaria."), field="esito")
        if esito in (E.INOLTRO_AS, E.SEGNALAZIONE_AG) and scheda.utente_id is None:
            raise ValidationFailed(_("Senza l'identità dell'utente la scheda non si può inoltrare "
                                     "all'assistente sociale né segnalare."), field="esito")
        scheda.esito = esito
        scheda.stato = CLOSING[esito]
        scheda.motivo_esito = motivo
        scheda.chiusa_il = timezone.now()
        fields = ["esito", "stato", "motivo_esito", "chiusa_il", "updated_at"]
        if scelto is not None:
            scheda.assegnata_a_id = scelto.pk
            scheda.assegnata_a_label = label_of(scelto)
            fields += ["assegnata_a_id", "assegnata_a_label"]
        scheda.save(update_fields=fields)
        if risorse:
            scheda.risorse_proposte.add(*risorse)
        payload: dict[str, object] = {"esito": esito, "risorse": len(risorse)}
        if scelto is not None:
            payload["assegnata_a"] = scelto.pk
        audit(actor, "scheda.chiusa", scheda, payload)
        if scelto is not None:
            _avvisa_assegnatario(scheda, scelto.pk)
    return scheda


def _avvisa_assegnatario(scheda: SchedaAccesso, user_id: int) -> None:
    """The inbox line of the social worker a scheda was forwarded to (the inbox lives in
    the PAI app, which every case-work schema has)."""
    from services.cartella.history import comune_url
    from services.pai.services.approvazioni import notifica_create

    notifica_create(destinatario_id=user_id,
                    testo=_("Ti è stata inoltrata la scheda di accesso n. %(n)s da valutare.")
                    % {"n": scheda.numero},
                    link=comune_url("cartella_scheda_valuta", public_id=scheda.public_id))


def scheda_respingi(*, actor: Actor, scheda: SchedaAccesso, motivo: str) -> SchedaAccesso:
    """The social worker refuses a forwarded scheda after evaluating it ("Al respingimento
    della scheda accesso l'operatore fornirà una breve motivazione"). Never for a report of
    the judicial authority: "Viene SEMPRE intrapreso l'iter di apertura della cartella nel
    caso in cui la segnalazione provenga da Autorità"."""
    if not actor.user.has_perm(permission_name(Capability.MANAGE_CARTELLA)):
        raise NotAllowed(_("Solo l'assistente sociale può respingere una scheda di accesso."))
    motivo = text(motivo)
    if scheda.richiede_cartella:
        raise NotAllowed(_("Una segnalazione dell'autorità giudiziaria non si può respingere: "
                           "va sempre aperta la cartella sociale."))
    if not motivo:
        raise ValidationFailed(_("Indica il motivo del respingimento."), field="motivo")
    with transaction.atomic():
        scheda = SchedaAccesso.objects.select_for_update().get(pk=scheda.pk)
        if scheda.stato != SchedaAccesso.Stato.INOLTRATA:
            raise ValidationFailed(_("Si respingono solo le schede inoltrate all'assistente "
                                     "sociale e non ancora prese in carico."))
        scheda.stato = SchedaAccesso.Stato.RESPINTA
        scheda.motivo_respingimento = motivo
        scheda.respinta_il = timezone.now()
        scheda.respinta_da_id = actor.user.pk
        scheda.respinta_da_label = label_of(actor.user)
        scheda.save(update_fields=["stato", "motivo_respingimento", "respinta_il",
                                   "respinta_da_id", "respinta_da_label", "updated_at"])
        audit(actor, "scheda.respinta", scheda)
    return scheda


# What a scheda keeps once the person refused consent, by who made the contact: a report
# (public official, reporter) stays with the reported person; a contact of the person or of
# their legal representative keeps nobody's identity.
_REPORTS = (Tipo.PUBBLICO_UFFICIALE, Tipo.SEGNALANTE)


def scheda_applica_diniego(*, actor: Actor, scheda: SchedaAccesso,
                           consenso: Consenso) -> SchedaAccesso:
    """The person refused consent after the scheda was written (at the social worker's first
    interview), and no judicial order or suspected harm keeps the service acting: the
    scheda keeps only what the rules allow and is closed.

    - public official or reporter: "In caso di diniego rimane agli atti (nel sistema) la
      sola segnalazione del pubblico ufficiale (che costituisce solo ipotesi di
      pregiudizio) senza nessun'altra informazione sullo stato di bisogno della persona":
      the report and the reported person stay, the need, the service asked for and the
      reference person go (closed SOLO_SEGNALAZIONE);
    - the person or their legal representative: no personal data at all (closed
      CONSENSO_NEGATO, as at the front office).

    ``consenso`` is the refusal just recorded in the person's history (by the caller, in its
    transaction)."""
    if consenso.stato != Consenso.Stato.NEGATO or consenso.persona_id != scheda.utente_id:
        raise ValidationFailed(_("Serve il diniego della persona della scheda."),
                               field="consenso")
    if scheda.presunto_pregiudizio or scheda.richiede_cartella:
        raise NotAllowed(_("Con un presunto pregiudizio o un mandato dell'autorità giudiziaria "
                           "il diniego non ferma il servizio."))
    with transaction.atomic():
        scheda = SchedaAccesso.objects.select_for_update().get(pk=scheda.pk)
        fields = ["bisogno_espresso", "servizio_richiesto", "riferimento", "consenso", "stato",
                  "esito", "chiusa_il", "updated_at"]
        scheda.bisogno_espresso = ""
        scheda.servizio_richiesto = ""
        scheda.riferimento = None
        scheda.stato = SchedaAccesso.Stato.CHIUSA
        scheda.chiusa_il = timezone.now()
        if scheda.interlocutore_tipo in _REPORTS:
            scheda.consenso = consenso
            scheda.esito = SchedaAccesso.Esito.SOLO_SEGNALAZIONE
        else:
            scheda.consenso = None
            scheda.utente = None
            scheda.interlocutore = None
            scheda.esito = SchedaAccesso.Esito.CONSENSO_NEGATO
            fields += ["utente", "interlocutore"]
        scheda.save(update_fields=fields)
        scheda.risorse_proposte.clear()
        audit(actor, "scheda.diniego_applicato", scheda, {"esito": scheda.esito})
    return scheda


@register_merge_hook
def _merge_accesso(tieni: Persona, elimina: Persona) -> int:
    """Schede and consents of a merged duplicate follow the kept record."""
    moved = 0
    for field in ("utente", "interlocutore", "riferimento"):
        moved += SchedaAccesso.objects.filter(**{field: elimina}).update(**{field: tieni})
    moved += Consenso.objects.filter(persona=elimina).update(persona=tieni)
    moved += Consenso.objects.filter(rilasciato_da=elimina).update(rilasciato_da=tieni)
    return moved

