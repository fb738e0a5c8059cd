"""Writes on the assegni di maternità and al nucleo familiare. The application itself is a
``Domanda`` (protocol, applicant, ISEE, outcome), created through the applications' own
service in the same transaction; this module keeps the benefit's specific data."""

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
from services.core.errors import NotAllowed, ValidationFailed
from services.domande.models import Domanda
from services.domande.services import Dsu, domanda_create
from services.interventi.models import Servizio, TipoIntervento

from .models import Assegno

TIPI_SERVIZIO = (TipoIntervento.MATERNITA, TipoIntervento.NUCLEO)
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
    if servizio.tipo not in TIPI_SERVIZIO:
        raise ValidationFailed(
            _("Il servizio «%(s)s» non è un assegno di maternità o al nucleo familiare.")
            % {"s": servizio.nome}, field="servizio")
    if data_protocollo is not None:
        dati = _valida(servizio.tipo, dati, data_protocollo, Domanda.Stato.PRESENTATA)
    with transaction.atomic():
        domanda = domanda_create(actor=actor, persona=persona, servizio=servizio,
                                 numero_protocollo=numero_protocollo,
                                 data_protocollo=data_protocollo, dsu=dsu, note=note)
        assegno = Assegno(domanda=domanda, tipo=servizio.tipo,
                          **{n: getattr(dati, n) for n in CAMPI})
        try:
            assegno.full_clean(exclude=["domanda"])
        except DjangoValidationError as exc:
            raise ValidationFailed("; ".join(exc.messages)) from exc
        assegno.save()
        audit_log(action="assegno.registrato", actor=actor.user, obj=assegno,
                  payload={"domanda": str(domanda.public_id), "tipo": assegno.tipo,
                           **_json(dati)}, ip_address=actor.ip_address)
    return assegno


def assegno_update(*, actor: Actor, assegno: Assegno, dati: DatiAssegno) -> Assegno:
    """Correct the assegno's data, or record its transmission to INPS (once accolta)."""
    domanda = assegno.domanda
    if domanda.stato in (Domanda.Stato.RESPINTA, Domanda.Stato.ARCHIVIATA):
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
