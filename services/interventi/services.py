"""Writes of the comune's services and of the interventions delivered to persons.

A social worker proposes an intervention; where the service asks for it, the dirigente
approves or rejects it (the proposer is notified); an approved intervention owes money to
the person as ``Pagamento`` rows (instalments or a one-off payment), which an atto di
liquidazione pays (``services.determine``)."""

from __future__ import annotations

from calendar import monthrange
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from services.anagrafica.models import Persona
from services.anagrafica.services import Actor
from services.core.audit import audit_log
from services.core.errors import AlreadyExists, NotAllowed, ValidationFailed
from services.domande.models import Domanda
from tenants.roles import Capability, permission_name
from zone.catalogo.models import CodicePrestazione, VoceNomenclatore

from .models import ZERO, Carattere, Intervento, Pagamento, ProvaMezzi, Servizio

CENT = Decimal("0.01")
# Domanda fields the quick-entry form never offers: set by the workflow, not typed in.
_DOMANDA_NON_CAMPI = {"stato", "origine", "assegnata_a_id", "assegnata_a_label", "assegnata_il",
                      "dati", "esito_il", "motivazione_esito"}
# Interventions that commit money (on a determina, in the totals).
STATI_IMPEGNATI = (Intervento.Stato.APPROVATO, Intervento.Stato.IN_CORSO,
                   Intervento.Stato.CONCLUSO)


def campi_domanda_opzionali() -> list[tuple[str, str]]:
    """The optional fields of a Domanda a service may show in the quick-entry form."""
    return [(f.name, str(f.verbose_name)) for f in Domanda._meta.concrete_fields
            if f.editable and f.blank and f.name not in _DOMANDA_NON_CAMPI
            and not f.name.endswith("_id")]


def _audit(actor: Actor, action: str, obj: Any, payload: dict | None = None) -> None:
    audit_log(action=action, actor=actor.user, obj=obj, payload=payload or {},
              ip_address=actor.ip_address)


def _label(user: Any) -> str:
    full = f"{getattr(user, 'first_name', '')} {getattr(user, 'last_name', '')}".strip()
    return full or getattr(user, "email", "") or str(user)


def _clean(obj: Any, *, exclude: list[str] | None = None) -> None:
    """full_clean(), its first message as a ValidationFailed on its field."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ValidationFailed(messages[0], field=None if field == "__all__" else field) from exc


# --- servizi ------------------------------------------------------------------------------

SERVIZIO_CAMPI = ("nome", "tipo", "codice_prestazione", "voce_nomenclatore", "area_target",
                  "carattere", "prova_mezzi", "soglia_isee", "tariffa", "unita_tariffa",
                  "richiede_decisione", "campi_domanda", "attivo")


def _servizio_validate(servizio: Servizio) -> None:
    servizio.nome = (servizio.nome or "").strip()
    if not servizio.nome:
        raise ValidationFailed(_("Indica la denominazione del servizio."), field="nome")
    _clean(servizio)
    for field, model in (("codice_prestazione", CodicePrestazione),
                         ("voce_nomenclatore", VoceNomenclatore)):
        voce = getattr(servizio, field)
        if voce is not None and not isinstance(voce, model):
            raise ValidationFailed(_("Voce del catalogo non valida."), field=field)
        if voce is not None and voce.ritirato_in_id is not None:
            raise ValidationFailed(
                _("Il codice %(c)s è stato ritirato dal catalogo: scegline uno in vigore.")
                % {"c": voce.codice}, field=field)
    if servizio.tariffa is not None and not servizio.unita_tariffa:
        raise ValidationFailed(_("Indica a cosa si riferisce la tariffa (ora, giorno, mese...)."),
                               field="unita_tariffa")
    if servizio.soglia_isee is not None and servizio.prova_mezzi != ProvaMezzi.ISEE:
        raise ValidationFailed(_("La soglia ISEE vale solo per i servizi con prova dei mezzi ISEE."),
                               field="soglia_isee")
    if servizio.soglia_isee is not None and servizio.soglia_isee < 0:
        raise ValidationFailed(_("La soglia ISEE non può essere negativa."), field="soglia_isee")
    ammessi = {name for name, _label in campi_domanda_opzionali()}
    campi = list(servizio.campi_domanda or [])
    if not isinstance(servizio.campi_domanda, list) or any(c not in ammessi for c in campi):
        raise ValidationFailed(_("Campi della domanda non riconosciuti."), field="campi_domanda")
    servizio.campi_domanda = sorted(set(campi))
    doppio = Servizio.objects.filter(nome__iexact=servizio.nome).exclude(pk=servizio.pk)
    if doppio.exists():
        raise AlreadyExists(_("Esiste già un servizio con questa denominazione."), field="nome")


def servizio_create(*, actor: Actor, nome: str, tipo: str, area_target: str, carattere: str,
                    prova_mezzi: int = ProvaMezzi.NESSUNA,
                    codice_prestazione: CodicePrestazione | None = None,
                    voce_nomenclatore: VoceNomenclatore | None = None,
                    soglia_isee: Decimal | None = None, tariffa: Decimal | None = None,
                    unita_tariffa: str = "", richiede_decisione: bool = True,
                    campi_domanda: list[str] | None = None, attivo: bool = True) -> Servizio:
    servizio = Servizio(
        nome=nome, tipo=tipo, area_target=area_target, carattere=carattere,
        prova_mezzi=prova_mezzi, codice_prestazione=codice_prestazione,
        voce_nomenclatore=voce_nomenclatore, soglia_isee=soglia_isee, tariffa=tariffa,
        unita_tariffa=unita_tariffa or "", richiede_decisione=richiede_decisione,
        campi_domanda=list(campi_domanda or []), attivo=attivo,
    )
    _servizio_validate(servizio)
    try:
        with transaction.atomic():
            servizio.save()
            _audit(actor, "servizio.attivato", servizio, {"nome": servizio.nome})
    except IntegrityError as exc:
        raise AlreadyExists(_("Esiste già un servizio con questa denominazione."),
                            field="nome") from exc
    return servizio


def servizio_update(*, actor: Actor, servizio: Servizio, **changes: Any) -> Servizio:
    unknown = set(changes) - set(SERVIZIO_CAMPI)
    if unknown:
        raise ValidationFailed(_("Campi non modificabili: %(c)s.") % {"c": ", ".join(sorted(unknown))})
    before = {k: str(getattr(servizio, k)) for k in changes}
    for key, value in changes.items():
        setattr(servizio, key, value)
    if "unita_tariffa" in changes and changes["unita_tariffa"] is None:
        servizio.unita_tariffa = ""
    try:
        _servizio_validate(servizio)
        with transaction.atomic():
            servizio.save(update_fields=[*changes, "updated_at"])
            _audit(actor, "servizio.modificato", servizio,
                   {"prima": before, "dopo": {k: str(getattr(servizio, k)) for k in changes}})
    except IntegrityError as exc:
        servizio.refresh_from_db()
        raise AlreadyExists(_("Esiste già un servizio con questa denominazione."),
                            field="nome") from exc
    except ValidationFailed:
        servizio.refresh_from_db()
        raise
    return servizio


# --- interventi ---------------------------------------------------------------------------


def mesi_tra(inizio: date, fine: date) -> list[date]:
    """First day of every month from ``inizio``'s to ``fine``'s, both included."""
    mesi = []
    y, m = inizio.year, inizio.month
    while (y, m) <= (fine.year, fine.month):
        mesi.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return mesi


def _money(value: Decimal | None, field: str) -> Decimal | None:
    if value is None:
        return None
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    if value < 0:
        raise ValidationFailed(_("L'importo non può essere negativo."), field=field)
    if value != value.quantize(CENT):
        raise ValidationFailed(_("Gli importi si indicano in euro con al massimo due decimali."),
                               field=field)
    return value


def _importi_validate(intervento: Intervento) -> None:
    """The SIUSS rules on dates and amounts, by carattere."""
    i = intervento
    for field in ("importo_totale", "importo_mensile", "quota_ente", "quota_utente", "quota_ssn"):
        setattr(i, field, _money(getattr(i, field), field))
    if i.data_inizio is None:
        msg = (_("Indica la data di inizio della prestazione periodica.")
               if i.carattere == Carattere.PERIODICO else _("Indica la data della prestazione."))
        raise ValidationFailed(msg, field="data_inizio")
    if i.data_fine is not None and i.data_fine < i.data_inizio:
        raise ValidationFailed(_("La data di fine non può precedere quella di inizio."),
                               field="data_fine")
    if i.carattere == Carattere.PERIODICO:
        if not i.importo_mensile:
            raise ValidationFailed(_("Per una prestazione periodica indica l'importo mensile."),
                                   field="importo_mensile")
        if not i.importo_totale and i.data_fine is not None:
            i.importo_totale = i.importo_mensile * len(mesi_tra(i.data_inizio, i.data_fine))
    elif i.carattere == Carattere.OCCASIONALE:
        if i.importo_mensile:
            raise ValidationFailed(_("Una prestazione una tantum non ha importo mensile."),
                                   field="importo_mensile")
        if not i.importo_totale:
            raise ValidationFailed(_("Indica l'importo della prestazione una tantum."),
                                   field="importo_totale")
        if i.data_fine is not None and i.data_fine != i.data_inizio:
            raise ValidationFailed(
                _("Una prestazione una tantum ha una sola data: lascia vuota la data di fine."),
                field="data_fine")
    i.importo_totale = i.importo_totale or ZERO
    quote = [i.quota_ente, i.quota_utente, i.quota_ssn]
    if any(q is not None for q in quote):
        somma = sum((q or ZERO for q in quote), ZERO)
        if somma != i.importo_totale:
            raise ValidationFailed(
                _("Le quote a carico di ente, utente e SSN (%(s)s €) devono dare l'importo "
                  "totale (%(t)s €).") % {"s": somma, "t": i.importo_totale}, field="quota_ente")


def intervento_propose(*, actor: Actor, persona: Persona, servizio: Servizio,
                       data_inizio: date | None, data_fine: date | None = None,
                       carattere: str | None = None,
                       importo_totale: Decimal | None = None,
                       importo_mensile: Decimal | None = None,
                       quota_ente: Decimal | None = None, quota_utente: Decimal | None = None,
                       quota_ssn: Decimal | None = None, ore_mensili: Decimal | None = None,
                       domanda: Domanda | None = None, motivazione: str = "",
                       note: str = "", oggi: date | None = None) -> Intervento:
    """A social worker's proposal. A service that does not ask for the dirigente's decision
    approves it at once (and its payments are generated)."""
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
    if intervento.carattere not in Carattere.values:
        raise ValidationFailed(_("Scegli se la prestazione è periodica o una tantum."),
                               field="carattere")
    _importi_validate(intervento)
    _clean(intervento, exclude=["persona", "servizio", "domanda", "cartella", "determina"])
    with transaction.atomic():
        intervento.save()
        _audit(actor, "intervento.proposto", intervento,
               {"servizio": servizio.nome, "importo_totale": str(intervento.importo_totale)})
        if not servizio.richiede_decisione:
            _approva(actor, intervento, oggi, _("Servizio senza decisione del dirigente."))
    return intervento


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
    if intervento.carattere == Carattere.OCCASIONALE or intervento.data_fine is not None:
        pagamenti_genera(actor=actor, intervento=intervento)


def _lock_determina_of(intervento: Intervento) -> None:
    """Locks go determina first, then intervention (as in liquidazione_create, which marks
    interventions in progress under the determina's lock): never the other way round."""
    from services.determine.models import Determina

    determina_id = (Intervento.objects.filter(pk=intervento.pk)
                    .values_list("determina_id", flat=True).first())
    if determina_id is not None:
        Determina.objects.select_for_update().filter(pk=determina_id).first()


def _lock(intervento: Intervento) -> Intervento:
    return Intervento.objects.select_for_update().select_related("servizio", "persona").get(
        pk=intervento.pk)


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
                                 motivazione: str = "") -> Intervento:
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
        if nuovo.carattere not in Carattere.values:
            raise ValidationFailed(_("Scegli se la prestazione è periodica o una tantum."),
                                   field="carattere")
        _importi_validate(nuovo)
        _clean(nuovo, exclude=["persona", "servizio", "domanda", "cartella", "determina"])
        cambiati = [f for f in PROPOSTA_CAMPI if getattr(locked, f) != getattr(nuovo, f)]
        if not cambiati:
            return locked
        prima = {f: _valore(getattr(locked, f)) for f in cambiati}
        for f in cambiati:
            setattr(locked, f, getattr(nuovo, f))
        locked.save(update_fields=[*cambiati, "updated_at"])
        _audit(actor, "intervento.proposta_modificata", locked,
               {"prima": prima, "dopo": {f: _valore(getattr(locked, f)) for f in cambiati}})
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
        _avvisa_proponente(actor, locked, _("La tua proposta di %(s)s per %(p)s è stata ritirata "
                                            "da %(chi)s. Motivo: %(m)s")
                           % {"s": locked.servizio.nome, "p": locked.persona.nome_completo,
                              "chi": _label(actor.user), "m": motivo})
    return locked


def _annulla_rate(intervento: Intervento, *, dopo: date | None = None) -> int:
    rate = Pagamento.objects.filter(intervento=intervento, stato=Pagamento.Stato.DA_LIQUIDARE)
    if dopo is not None:
        rate = rate.filter(competenza__gt=dopo)
    return rate.update(stato=Pagamento.Stato.ANNULLATO, updated_at=timezone.now())


def intervento_concludi(*, actor: Actor, intervento: Intervento, data_fine: date,
                        motivo: str) -> Intervento:
    """End an approved intervention on ``data_fine``: instalments after it are cancelled."""
    motivo = (motivo or "").strip()
    if not motivo:
        raise ValidationFailed(_("Indica il motivo della conclusione."), field="motivo")
    if data_fine is None:
        raise ValidationFailed(_("Indica la data di conclusione."), field="data_fine")
    with transaction.atomic():
        locked = _lock(intervento)
        if locked.stato not in (Intervento.Stato.APPROVATO, Intervento.Stato.IN_CORSO):
            raise ValidationFailed(_("Si conclude solo un intervento approvato o in corso."))
        if locked.data_inizio and data_fine < locked.data_inizio:
            raise ValidationFailed(_("La data di fine non può precedere quella di inizio."),
                                   field="data_fine")
        annullate = _annulla_rate(locked, dopo=date(data_fine.year, data_fine.month, 1))
        locked.stato = Intervento.Stato.CONCLUSO
        locked.data_fine = data_fine
        locked.note = f"{locked.note}\n{motivo}".strip()
        locked.save(update_fields=["stato", "data_fine", "note", "updated_at"])
        _audit(actor, "intervento.concluso", locked,
               {"data_fine": data_fine.isoformat(), "motivo": motivo, "rate_annullate": annullate})
    return locked


def intervento_annulla(*, actor: Actor, intervento: Intervento, motivo: str) -> Intervento:
    """Cancel an intervention nothing has been paid on yet."""
    motivo = (motivo or "").strip()
    if not motivo:
        raise ValidationFailed(_("Indica il motivo dell'annullamento."), field="motivo")
    with transaction.atomic():
        locked = _lock(intervento)
        if locked.stato in (Intervento.Stato.ANNULLATO, Intervento.Stato.RESPINTO,
                            Intervento.Stato.CONCLUSO):
            raise ValidationFailed(_("L'intervento è già %(s)s.")
                                   % {"s": locked.get_stato_display().lower()})
        if locked.stato == Intervento.Stato.PROPOSTO:
            # Cancelling a proposal is withdrawing it: the same people may do it.
            proposta_verifica_gestibile(actor.user, locked)
        if locked.pagamenti.filter(stato=Pagamento.Stato.LIQUIDATO).exists():
            raise ValidationFailed(
                _("Alcuni pagamenti sono già stati liquidati: concludi l'intervento invece di "
                  "annullarlo."))
        annullate = _annulla_rate(locked)
        locked.stato = Intervento.Stato.ANNULLATO
        locked.note = f"{locked.note}\n{motivo}".strip()
        locked.save(update_fields=["stato", "note", "updated_at"])
        _audit(actor, "intervento.annullato", locked, {"motivo": motivo,
                                                       "rate_annullate": annullate})
    return locked


def intervento_assegna_determina(*, actor: Actor, intervento: Intervento,
                                 determina: Any | None) -> Intervento:
    """Fund an intervention from a determina (or detach it with None). The approved
    interventions on a determina may not commit more than it does."""
    from services.determine.models import Determina
    from services.determine.services import determina_verifica_capienza

    with transaction.atomic():
        _lock_determina_of(intervento)
        if determina is not None:
            Determina.objects.select_for_update().filter(pk=determina.pk).first()
        locked = _lock(intervento)
        if locked.stato in (Intervento.Stato.ANNULLATO, Intervento.Stato.RESPINTO):
            raise ValidationFailed(_("L'intervento è %(s)s.") % {"s": locked.get_stato_display().lower()})
        if determina is not None:
            if determina.stato != Determina.Stato.ESECUTIVA:
                raise ValidationFailed(_("La determina non è esecutiva."), field="determina")
            if locked.stato in STATI_IMPEGNATI:
                determina_verifica_capienza(determina_id=determina.pk, aggiunta=locked)
        elif locked.pagamenti.filter(stato=Pagamento.Stato.LIQUIDATO).exists():
            raise NotAllowed(_("Ci sono pagamenti già liquidati su questa determina."))
        prima = locked.determina_id
        locked.determina = determina
        locked.save(update_fields=["determina", "updated_at"])
        _audit(actor, "intervento.determina", locked,
               {"prima": prima, "dopo": determina.pk if determina is not None else None})
    return locked


# --- pagamenti ----------------------------------------------------------------------------


def pagamenti_genera(*, actor: Actor, intervento: Intervento) -> list[Pagamento]:
    """The money owed under an approved intervention: one instalment per month from the
    start to the end at the monthly amount (periodic), or one payment (one-off). Running it
    again adds only what is missing."""
    with transaction.atomic():
        i = _lock(intervento)
        if i.stato not in STATI_IMPEGNATI:
            raise ValidationFailed(_("Si generano i pagamenti solo di un intervento approvato."))
        if i.data_inizio is None:
            raise ValidationFailed(_("Manca la data di inizio."), field="data_inizio")
        if i.carattere == Carattere.PERIODICO:
            if i.data_fine is None or not i.importo_mensile:
                raise ValidationFailed(
                    _("Per generare le rate servono la data di fine e l'importo mensile."))
            dovuti = [(mese, i.importo_mensile) for mese in mesi_tra(i.data_inizio, i.data_fine)]
        else:
            if not i.importo_totale:
                return []
            dovuti = [(date(i.data_inizio.year, i.data_inizio.month, 1), i.importo_totale)]
        esistenti = set(Pagamento.objects.filter(intervento=i).exclude(
            stato=Pagamento.Stato.ANNULLATO).values_list("competenza", flat=True))
        nuovi = Pagamento.objects.bulk_create([
            Pagamento(intervento=i, competenza=mese, importo=importo)
            for mese, importo in dovuti if mese not in esistenti
        ])
        if nuovi:
            _audit(actor, "intervento.pagamenti_generati", i,
                   {"rate": len(nuovi), "importo": str(sum((p.importo for p in nuovi), ZERO))})
    return nuovi


def importo_impegnato_su(determina_id: int) -> Decimal:
    """Total of the approved interventions funded by a determina."""
    total = (Intervento.objects.filter(determina_id=determina_id, stato__in=STATI_IMPEGNATI)
             .aggregate(t=Sum("importo_totale"))["t"])
    return total or ZERO


def ultimo_giorno(mese: date) -> date:
    return date(mese.year, mese.month, monthrange(mese.year, mese.month)[1])
