"""Writes of providers, contracts and invoices. Each function validates, runs in one
transaction and leaves an audit entry; bad input raises a domain error and changes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from services.anagrafica.services import Actor
from services.core.audit import audit_log
from services.core.errors import AlreadyExists, NotAllowed, ValidationFailed
from services.determine.models import Determina
from services.interventi.models import (
    PAGATO_A_PER_TIPO,
    Intervento,
    PagatoA,
    Servizio,
    TipoIntervento,
)
from tenants.roles import Capability, permission_name

from .controllo import controlla_fattura
from .importi import cents, primo_del_mese
from .models import Contratto, Fattura, Fornitore, RigaFattura
from .validators import (
    normalize_codice_fiscale_fornitore,
    normalize_iban,
    normalize_partita_iva,
)


def _label(user: Any) -> str:
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or getattr(user, "email", "") or str(user)


def _audit(actor: Actor, action: str, obj: Any, payload: dict | None = None) -> None:
    audit_log(action=action, actor=actor.user, obj=obj, payload=payload or {},
              ip_address=actor.ip_address)


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, field=field)
    return value


# --- fornitori ------------------------------------------------------------------------------


def _fornitore_fields(*, ragione_sociale: str, tipo: str, codice_fiscale: str, partita_iva: str,
                      pec: str, iban: str, indirizzo: str) -> dict[str, Any]:
    if tipo not in Fornitore.Tipo.values:
        raise ValidationFailed(_("Scegli il tipo di fornitore."), field="tipo")
    return {
        "ragione_sociale": _required(ragione_sociale, "ragione_sociale",
                                     _("Indica la ragione sociale.")),
        "tipo": tipo,
        "codice_fiscale": normalize_codice_fiscale_fornitore(codice_fiscale),
        "partita_iva": normalize_partita_iva(partita_iva) if (partita_iva or "").strip() else "",
        "pec": (pec or "").strip().lower(),
        "iban": normalize_iban(iban) if (iban or "").strip() else "",
        "indirizzo": (indirizzo or "").strip(),
    }


def _check_unique(fields: dict[str, Any], exclude: int | None = None) -> None:
    others = Fornitore.objects.exclude(pk=exclude) if exclude else Fornitore.objects.all()
    same_cf = others.filter(codice_fiscale=fields["codice_fiscale"]).first()
    if same_cf is not None:
        raise AlreadyExists(_("Il codice fiscale è già di «%(f)s».") % {"f": same_cf},
                            field="codice_fiscale")
    if fields["partita_iva"]:
        same_piva = others.filter(partita_iva=fields["partita_iva"]).first()
        if same_piva is not None:
            raise AlreadyExists(_("La partita IVA è già di «%(f)s».") % {"f": same_piva},
                                field="partita_iva")


def fornitore_create(*, actor: Actor, ragione_sociale: str, tipo: str, codice_fiscale: str,
                     partita_iva: str = "", pec: str = "", iban: str = "",
                     indirizzo: str = "") -> Fornitore:
    fields = _fornitore_fields(ragione_sociale=ragione_sociale, tipo=tipo,
                               codice_fiscale=codice_fiscale, partita_iva=partita_iva, pec=pec,
                               iban=iban, indirizzo=indirizzo)
    with transaction.atomic():
        _check_unique(fields)
        fornitore = Fornitore(**fields)
        fornitore.full_clean(validate_unique=False)
        fornitore.save()
        _audit(actor, "fornitore.creato", fornitore,
               {"ragione_sociale": fornitore.ragione_sociale, "tipo": tipo})
    return fornitore


def fornitore_update(*, actor: Actor, fornitore: Fornitore, ragione_sociale: str, tipo: str,
                     codice_fiscale: str, partita_iva: str = "", pec: str = "", iban: str = "",
                     indirizzo: str = "") -> Fornitore:
    fields = _fornitore_fields(ragione_sociale=ragione_sociale, tipo=tipo,
                               codice_fiscale=codice_fiscale, partita_iva=partita_iva, pec=pec,
                               iban=iban, indirizzo=indirizzo)
    with transaction.atomic():
        _check_unique(fields, exclude=fornitore.pk)
        changed = [k for k, v in fields.items() if getattr(fornitore, k) != v]
        for key, value in fields.items():
            setattr(fornitore, key, value)
        fornitore.full_clean(validate_unique=False)
        fornitore.save(update_fields=[*fields, "updated_at"])
        _audit(actor, "fornitore.modificato", fornitore, {"campi": changed})
    return fornitore


# --- contratti ------------------------------------------------------------------------------


def _positive(value: Decimal | None, field: str, label: str) -> Decimal | None:
    if value is None:
        return None
    if value < 0:
        raise ValidationFailed(_("«%(l)s» non può essere negativo.") % {"l": label}, field=field)
    return cents(value) if field.startswith(("tariffa", "importo")) else value


def contratto_create(*, actor: Actor, fornitore: Fornitore, servizio: Servizio, numero: str,
                     dal: date, al: date, importo_massimo: Decimal,
                     determina: Determina | None = None, tariffa_oraria: Decimal | None = None,
                     tariffa_giornaliera: Decimal | None = None,
                     ore_massime: Decimal | None = None, posti_massimi: int | None = None,
                     note: str = "") -> Contratto:
    numero = _required(numero, "numero", _("Indica il numero del contratto o il CIG."))
    if dal is None or al is None or al < dal:
        raise ValidationFailed(_("Il periodo del contratto non è valido: la fine precede "
                                 "l'inizio."), field="al")
    if importo_massimo is None or importo_massimo <= 0:
        raise ValidationFailed(_("Indica l'importo massimo del contratto."),
                               field="importo_massimo")
    tariffa_oraria = _positive(tariffa_oraria, "tariffa_oraria", _("tariffa oraria"))
    tariffa_giornaliera = _positive(tariffa_giornaliera, "tariffa_giornaliera",
                                    _("tariffa giornaliera"))
    ore_massime = _positive(ore_massime, "ore_massime", _("ore massime"))
    if PAGATO_A_PER_TIPO.get(TipoIntervento(servizio.tipo)) != PagatoA.FORNITORE:
        raise ValidationFailed(_("«%(s)s» si paga alla persona, non a un fornitore: non ha "
                                 "contratti né fatture.") % {"s": servizio.nome},
                               field="servizio")
    if servizio.tipo == TipoIntervento.DOMICILIARE and not tariffa_oraria:
        raise ValidationFailed(_("Un contratto di assistenza domiciliare ha una tariffa oraria."),
                               field="tariffa_oraria")
    if servizio.tipo == TipoIntervento.RICOVERO:
        if not tariffa_giornaliera:
            raise ValidationFailed(_("Un contratto di ricovero ha una tariffa giornaliera per "
                                     "posto."), field="tariffa_giornaliera")
        if fornitore.tipo != Fornitore.Tipo.STRUTTURA:
            raise ValidationFailed(_("I ricoveri si contrattano con fornitori di tipo struttura "
                                     "residenziale."), field="servizio")
    if not tariffa_oraria and not tariffa_giornaliera:
        raise ValidationFailed(_("Indica la tariffa oraria o quella giornaliera."),
                               field="tariffa_oraria")
    if determina is not None and determina.stato != Determina.Stato.ESECUTIVA:
        raise ValidationFailed(_("La determina %(d)s non è esecutiva.") % {"d": determina},
                               field="determina")
    with transaction.atomic():
        if Contratto.objects.filter(fornitore=fornitore, numero__iexact=numero).exists():
            raise AlreadyExists(_("Il fornitore ha già un contratto n. %(n)s.") % {"n": numero},
                                field="numero")
        contratto = Contratto(
            fornitore=fornitore, servizio=servizio, numero=numero, dal=dal, al=al,
            determina=determina, tariffa_oraria=tariffa_oraria,
            tariffa_giornaliera=tariffa_giornaliera, ore_massime=ore_massime,
            posti_massimi=posti_massimi, importo_massimo=cents(importo_massimo),
            note=(note or "").strip(),
        )
        contratto.full_clean(validate_unique=False)
        contratto.save()
        _audit(actor, "contratto.creato", contratto,
               {"fornitore": str(fornitore.public_id), "numero": numero,
                "importo_massimo": str(contratto.importo_massimo)})
    return contratto


# --- fatture --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RigaInput:
    """One line of an invoice as entered: the person's intervention, days or hours,
    optionally the rate printed on the invoice, and the amount."""

    intervento: Intervento
    quantita: Decimal
    importo: Decimal
    tariffa: Decimal | None = None


def _duplicate(fornitore: Fornitore, anno: int, numero: str) -> AlreadyExists:
    return AlreadyExists(
        _("%(f)s ha già una fattura n. %(n)s nel %(a)s: non è stata registrata di nuovo.")
        % {"f": fornitore, "n": numero, "a": anno},
        field="numero",
    )


def _notifica_dirigenti(fattura: Fattura, discrepanze: int) -> None:
    """The members who decide (the dirigente) learn at once that an invoice waits for them."""
    from services.pai.services.approvazioni import notifica_create
    from tenants.models import Membership
    from tenants.roles import ROLE_CAPABILITIES

    ente = getattr(connection, "tenant", None)
    if ente is None or getattr(ente, "type", "public") == "public":
        return
    roles = [r for r, caps in ROLE_CAPABILITIES.items() if Capability.DECIDE_INTERVENTO in caps]
    link = reverse("fattura_detail", urlconf="ambito.urls.comune",
                   kwargs={"public_id": fattura.public_id})
    testo = ngettext(
        "La fattura n. %(n)s di %(f)s ha %(d)s discrepanza con il contratto: accettala o "
        "contestala.",
        "La fattura n. %(n)s di %(f)s ha %(d)s discrepanze con il contratto: accettale o "
        "contestala.", discrepanze) % {"n": fattura.numero, "f": fattura.fornitore, "d": discrepanze}
    for user_id in (Membership.objects.filter(ente=ente, is_active=True, role__in=roles)
                    .values_list("user_id", flat=True)):
        notifica_create(destinatario_id=user_id, testo=testo, link=link)


def _numero_usato(fornitore: Fornitore, anno: int, numero: str) -> bool:
    return Fattura.objects.filter(fornitore=fornitore, anno=anno, numero__iexact=numero).exists()


def fattura_create(*, actor: Actor, contratto: Contratto, numero: str, data: date,
                   competenza: date, importo_totale: Decimal, righe: Sequence[RigaInput],
                   note: str = "") -> Fattura:
    """Register a provider's invoice and check it at once (see ``controllo``)."""
    numero = _required(numero, "numero", _("Indica il numero della fattura."))
    if data is None:
        raise ValidationFailed(_("Indica la data della fattura."), field="data")
    if data > timezone.localdate():
        raise ValidationFailed(_("La data della fattura è nel futuro."), field="data")
    if competenza is None:
        raise ValidationFailed(_("Indica il mese di competenza."), field="competenza")
    competenza = primo_del_mese(competenza)
    if importo_totale is None or importo_totale <= 0:
        raise ValidationFailed(_("Il totale della fattura deve essere maggiore di zero."),
                               field="importo_totale")
    if not righe:
        raise ValidationFailed(_("Inserisci almeno una riga: una per persona."), field="righe")
    seen: set[int] = set()
    for riga in righe:
        if riga.intervento.pk in seen:
            raise ValidationFailed(
                _("%(p)s compare in due righe: una riga per persona.")
                % {"p": riga.intervento.persona.nome_completo}, field="righe")
        seen.add(riga.intervento.pk)
        if riga.intervento.pagato_a != PagatoA.FORNITORE:
            raise ValidationFailed(
                _("%(p)s: %(s)s non si paga al fornitore (%(v)s): la riga non è fatturabile.")
                % {"p": riga.intervento.persona.nome_completo,
                   "s": riga.intervento.get_tipo_display(),
                   "v": PagatoA(riga.intervento.pagato_a).label}, field="righe")
        if riga.quantita is None or riga.quantita < 0 or riga.importo is None or riga.importo < 0:
            raise ValidationFailed(_("Giorni, ore e importi delle righe non possono essere "
                                     "negativi."), field="righe")
    fornitore = contratto.fornitore
    try:
        with transaction.atomic():
            if _numero_usato(fornitore, data.year, numero):
                raise _duplicate(fornitore, data.year, numero)
            fattura = Fattura.objects.create(
                fornitore=fornitore, contratto=contratto, numero=numero, data=data,
                anno=data.year, competenza=competenza, importo_totale=cents(importo_totale),
                note=(note or "").strip(),
            )
            RigaFattura.objects.bulk_create([
                RigaFattura(fattura=fattura, intervento=r.intervento, quantita=r.quantita,
                            importo=cents(r.importo),
                            tariffa=cents(r.tariffa) if r.tariffa is not None else None)
                for r in righe
            ])
            found = controlla_fattura(fattura)
            if found:
                _notifica_dirigenti(fattura, len(found))
            _audit(actor, "fattura.registrata", fattura,
                   {"numero": numero, "fornitore": str(fornitore.public_id),
                    "importo_totale": str(fattura.importo_totale),
                    "importo_atteso": str(fattura.importo_atteso), "discrepanze": len(found)})
    except IntegrityError as exc:
        # Two people entering the same invoice at the same moment: the unique index decides.
        if "fattura_numero_unico_per_fornitore" in str(exc):
            raise _duplicate(fornitore, data.year, numero) from exc
        raise
    return fattura


def _locked(fattura: Fattura) -> Fattura:
    return (Fattura.objects.select_for_update(of=("self",))
            .select_related("contratto__determina").get(pk=fattura.pk))


def fattura_ricontrolla(*, actor: Actor, fattura: Fattura) -> Fattura:
    """Run the check again, after presences or hours have been recorded or corrected."""
    with transaction.atomic():
        fattura = _locked(fattura)
        if fattura.stato not in (Fattura.Stato.RICEVUTA, Fattura.Stato.CON_DISCREPANZE,
                                 Fattura.Stato.VERIFICATA):
            raise ValidationFailed(_("La fattura è %(s)s: non si ricontrolla più.")
                                   % {"s": fattura.get_stato_display().lower()})
        prima = fattura.stato
        found = controlla_fattura(fattura)
        _audit(actor, "fattura.ricontrollata", fattura,
               {"prima": prima, "dopo": fattura.stato, "discrepanze": len(found)})
    return fattura


def _motivazione(motivazione: str) -> str:
    return _required(motivazione, "motivazione", _("Indica la motivazione."))


def fattura_accetta(*, actor: Actor, fattura: Fattura, motivazione: str) -> Fattura:
    """The dirigente accepts an invoice with discrepancies, giving the reason: it becomes
    payable for the amount invoiced."""
    motivazione = _motivazione(motivazione)
    if not actor.user.has_perm(permission_name(Capability.DECIDE_INTERVENTO)):
        raise NotAllowed(_("Solo il dirigente accetta una fattura con discrepanze."))
    with transaction.atomic():
        fattura = _locked(fattura)
        if fattura.stato != Fattura.Stato.CON_DISCREPANZE:
            raise ValidationFailed(_("Si accettano solo fatture con discrepanze; questa è "
                                     "%(s)s.") % {"s": fattura.get_stato_display().lower()})
        fattura.stato = Fattura.Stato.ACCETTATA
        fattura.motivazione = motivazione
        fattura.decisa_da_id = actor.user.pk
        fattura.decisa_da_label = _label(actor.user)
        fattura.save(update_fields=["stato", "motivazione", "decisa_da_id", "decisa_da_label",
                                    "updated_at"])
        _audit(actor, "fattura.accettata", fattura,
               {"motivazione": motivazione, "discrepanze": fattura.discrepanze.count()})
    return fattura


def fattura_contesta(*, actor: Actor, fattura: Fattura, motivazione: str) -> Fattura:
    """Contest the invoice with the provider: it will not be paid (a corrected invoice or a
    credit note is registered as a new invoice)."""
    motivazione = _motivazione(motivazione)
    with transaction.atomic():
        fattura = _locked(fattura)
        if fattura.stato not in (Fattura.Stato.CON_DISCREPANZE, Fattura.Stato.VERIFICATA,
                                 Fattura.Stato.RICEVUTA):
            raise ValidationFailed(_("La fattura è %(s)s: non si può più contestare.")
                                   % {"s": fattura.get_stato_display().lower()})
        fattura.stato = Fattura.Stato.CONTESTATA
        fattura.motivazione = motivazione
        fattura.decisa_da_id = actor.user.pk
        fattura.decisa_da_label = _label(actor.user)
        fattura.save(update_fields=["stato", "motivazione", "decisa_da_id", "decisa_da_label",
                                    "updated_at"])
        _audit(actor, "fattura.contestata", fattura, {"motivazione": motivazione})
    return fattura

