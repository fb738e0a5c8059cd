"""Writes on the assegni di maternità and al nucleo familiare. The application itself is a
``Domanda`` (protocol, applicant, ISEE, outcome), created through the applications' own
service in the same transaction; this module keeps the benefit's specific data. An
application of an assegno service that came in without them (the protocol import only
carries the protocol, the applicant and the DSU) is completed with ``assegno_completa``."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.anagrafica.models import Persona
from services.anagrafica.services import Actor
from services.core.audit import audit_log
from services.core.errors import AlreadyExists, NotAllowed, ValidationFailed
from services.domande.models import Domanda
from services.domande.services import Dsu, domanda_create, domanda_update
from services.interventi.models import Servizio

from .models import ESITI_CHIUSI, TIPI_SERVIZIO, Assegno

FIGLI_MINORI_NUCLEO = 3


@dataclass(frozen=True)
class DatiAssegno:
    figlio_cognome: str = ""
    figlio_nome: str = ""
    figlio_data_nascita: date | None = None
    componenti_nucleo: int | None = None
    figli_minori: int | None = None
    periodo_dal: date | None = None
    periodo_al: date | None = None
    importo_mensile: Decimal | None = None
    importo_totale: Decimal | None = None
    trasmessa_inps_il: date | None = None


CAMPI = tuple(f.name for f in fields(DatiAssegno))


def _gma(giorno: date) -> str:
    return giorno.strftime("%d/%m/%Y")


def _valida(tipo: str, dati: DatiAssegno, domanda_data: date, stato: str) -> DatiAssegno:
    oggi = timezone.localdate()
    dati = replace(dati, figlio_cognome=(dati.figlio_cognome or "").strip()[:100],
                   figlio_nome=(dati.figlio_nome or "").strip()[:100])
    if tipo == Assegno.Tipo.MATERNITA:
        if dati.figlio_data_nascita is None:
            raise ValidationFailed(_("Indica la data di nascita (o di ingresso in famiglia) del "
                                     "figlio/a."), field="figlio_data_nascita")
        if dati.figlio_data_nascita > oggi:
            raise ValidationFailed(_("La data di nascita del figlio/a non può essere nel futuro."),
                                   field="figlio_data_nascita")
        if dati.figlio_data_nascita > domanda_data:
            raise ValidationFailed(
                _("La data di nascita del figlio/a è successiva alla domanda (%(d)s).")
                % {"d": _gma(domanda_data)}, field="figlio_data_nascita")
    else:
        if dati.figli_minori is None or dati.figli_minori < FIGLI_MINORI_NUCLEO:
            raise ValidationFailed(
                _("L'assegno al nucleo familiare spetta ai nuclei con almeno tre figli minori."),
                field="figli_minori")
        if dati.componenti_nucleo is not None and dati.componenti_nucleo <= dati.figli_minori:
            raise ValidationFailed(
                _("I componenti del nucleo devono essere più dei figli minori (c'è almeno un "
                  "genitore)."), field="componenti_nucleo")
    if dati.periodo_dal and dati.periodo_al and dati.periodo_al < dati.periodo_dal:
        raise ValidationFailed(_("La fine del periodo precede l'inizio."), field="periodo_al")
    for nome, valore in (("importo_mensile", dati.importo_mensile),
                         ("importo_totale", dati.importo_totale)):
        if valore is not None and valore < 0:
            raise ValidationFailed(_("Gli importi non possono essere negativi."), field=nome)
    if dati.trasmessa_inps_il is not None:
        if stato != Domanda.Stato.ACCOLTA:
            raise ValidationFailed(_("All'INPS si trasmette solo una domanda accolta."),
                                   field="trasmessa_inps_il")
        if dati.trasmessa_inps_il > oggi:
            raise ValidationFailed(_("La data di trasmissione all'INPS non può essere nel futuro."),
                                   field="trasmessa_inps_il")
        if dati.trasmessa_inps_il < domanda_data:
            raise ValidationFailed(
                _("La data di trasmissione all'INPS precede la domanda (%(d)s).")
                % {"d": _gma(domanda_data)}, field="trasmessa_inps_il")
    return dati


def _json(dati: DatiAssegno) -> dict[str, Any]:
    return {k: (str(v) if v is not None else None) for k, v in
            ((n, getattr(dati, n)) for n in CAMPI)}


def assegno_create(
    *,
    actor: Actor,
    persona: Persona,
    servizio: Servizio,
    numero_protocollo: str,
    data_protocollo: date | None,
    dati: DatiAssegno,
    dsu: Dsu | None = None,
    note: str = "",
) -> Assegno:
    """Register an application for an assegno: the Domanda and its specific data together."""
    _verifica_servizio(servizio)
    if data_protocollo is not None:
        dati = _valida(servizio.tipo, dati, data_protocollo, Domanda.Stato.PRESENTATA)
    with transaction.atomic():
        domanda = domanda_create(actor=actor, persona=persona, servizio=servizio,
                                 numero_protocollo=numero_protocollo,
                                 data_protocollo=data_protocollo, dsu=dsu, note=note)
        return _assegno_save(actor=actor, domanda=domanda, dati=dati,
                             azione="assegno.registrato")


def verifica_completabile(domanda: Domanda) -> None:
    """Refuse (AmbitoError) an application whose assegno data cannot be added: not of an
    assegno service, with its Assegno already, or closed without being granted."""
    _verifica_servizio(domanda.servizio)
    if Assegno.objects.filter(domanda_id=domanda.pk).exists():
        raise AlreadyExists(
            _("La domanda n. %(n)s ha già i dati dell'assegno: correggili dalla pagina "
              "dell'assegno.") % {"n": domanda.numero_protocollo})
    if domanda.stato in ESITI_CHIUSI:
        raise NotAllowed(_("La domanda è %(s)s: i dati dell'assegno non si aggiungono più.")
                         % {"s": domanda.get_stato_display().lower()})


def assegno_completa(*, actor: Actor, domanda: Domanda, dati: DatiAssegno,
                     dsu: Dsu | None = None) -> Assegno:
    """Add the assegno's data to an application of an assegno service registered without
    them (imported from the protocol): the Assegno ``assegno_create`` would have made, with
    the same checks. ``dsu``, when given and different, also corrects the application's
    DSU/ISEE (through ``domanda_update``, so only while it is open). All or nothing."""
    with transaction.atomic():
        # Locked: two operators completing the same application cannot both pass the check.
        locked = (Domanda.objects.select_for_update(of=("self",))
                  .select_related("servizio", "persona").get(pk=domanda.pk))
        verifica_completabile(locked)
        dati = _valida(locked.servizio.tipo, dati, locked.data_protocollo, locked.stato)
        if dsu is not None:
            cambi: dict[str, Any] = {campo: valore for campo, valore in (
                ("dsu_protocollo", dsu.protocollo), ("dsu_anno", dsu.anno), ("dsu_data", dsu.data),
                ("isee_valore", dsu.isee_valore), ("isee_tipo", dsu.isee_tipo))
                if getattr(locked, campo) != valore}
            if cambi:
                locked = domanda_update(actor=actor, domanda=locked, **cambi)
        assegno = _assegno_save(actor=actor, domanda=locked, dati=dati,
                                azione="assegno.completato")
    for campo in ("dsu_protocollo", "dsu_anno", "dsu_data", "isee_valore", "isee_tipo",
                  "updated_at"):
        setattr(domanda, campo, getattr(locked, campo))
    return assegno


def _verifica_servizio(servizio: Servizio) -> None:
    if servizio.tipo not in TIPI_SERVIZIO:
        raise ValidationFailed(
            _("Il servizio «%(s)s» non è un assegno di maternità o al nucleo familiare.")
            % {"s": servizio.nome}, field="servizio")


def _assegno_save(*, actor: Actor, domanda: Domanda, dati: DatiAssegno, azione: str) -> Assegno:
    """Save the Assegno of ``domanda`` with data already validated, and audit it. Inside the
    caller's transaction."""
    assegno = Assegno(domanda=domanda, tipo=domanda.servizio.tipo,
                      **{n: getattr(dati, n) for n in CAMPI})
    try:
        assegno.full_clean(exclude=["domanda"])
    except DjangoValidationError as exc:
        raise ValidationFailed("; ".join(exc.messages)) from exc
    assegno.save()
    audit_log(action=azione, actor=actor.user, obj=assegno,
              payload={"domanda": str(domanda.public_id), "tipo": assegno.tipo, **_json(dati)},
              ip_address=actor.ip_address)
    return assegno


def assegno_update(*, actor: Actor, assegno: Assegno, dati: DatiAssegno) -> Assegno:
    """Correct the assegno's data, or record its transmission to INPS (once accolta)."""
    domanda = assegno.domanda
    if domanda.stato in ESITI_CHIUSI:
        raise NotAllowed(_("La domanda è %(s)s: i dati dell'assegno non si modificano più.")
                         % {"s": domanda.get_stato_display().lower()})
    dati = _valida(assegno.tipo, dati, domanda.data_protocollo, domanda.stato)
    cambiati = [n for n in CAMPI if getattr(assegno, n) != getattr(dati, n)]
    if not cambiati:
        return assegno
    with transaction.atomic():
        prima = {n: (str(getattr(assegno, n)) if getattr(assegno, n) is not None else None)
                 for n in cambiati}
        for n in cambiati:
            setattr(assegno, n, getattr(dati, n))
        assegno.save(update_fields=[*cambiati, "updated_at"])
        audit_log(action="assegno.modificato", actor=actor.user, obj=assegno,
                  payload={"prima": prima, "dopo": {n: _json(dati)[n] for n in cambiati}},
                  ip_address=actor.ip_address)
    return assegno
