"""Writes of the lavori socialmente utili: projects, declarations of availability,
contracts (each also an approved ``Intervento`` of type LSU) and the monthly pay."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from services.anagrafica.models import Persona
from services.anagrafica.services import Actor
from services.cartella.models import Cartella
from services.core.audit import audit_log
from services.core.errors import AlreadyExists, ValidationFailed
from services.core.numbering import next_number
from services.interventi.models import Intervento, Servizio, TipoIntervento

from .models import Compenso, Contratto, Dichiarazione, Progetto

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
SETTIMANE_PER_MESE = Decimal(52) / Decimal(12)


def _label(user: Any) -> str:
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or getattr(user, "email", "") or str(user)


def _audit(actor: Actor, action: str, obj: Any, payload: dict | None = None) -> None:
    audit_log(action=action, actor=actor.user, obj=obj, payload=payload or {},
              ip_address=actor.ip_address)


def primo_del_mese(giorno: date) -> date:
    return giorno.replace(day=1)


def fine_mese(giorno: date) -> date:
    return (giorno.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def compenso_di(ore: Decimal, tariffa: Decimal) -> Decimal:
    """Hours × hourly pay, rounded to the cent (half up, as on a pay slip)."""
    return (ore * tariffa).quantize(CENT, rounding=ROUND_HALF_UP)


def _persona_attiva(persona: Persona) -> None:
    if persona.stato != Persona.Stato.ATTIVA:
        raise ValidationFailed(_("La scheda di %(nome)s non è attiva (%(stato)s).")
                               % {"nome": persona.nome_completo,
                                  "stato": persona.get_stato_display()}, field="persona")


# --- projects and declarations -------------------------------------------------------------


def progetto_crea(*, actor: Actor, nome: str, data_inizio: date | None,
                  data_fine: date | None = None, settore: str = "", descrizione: str = "",
                  posti: int | None = None) -> Progetto:
    nome = (nome or "").strip()
    if not nome:
        raise ValidationFailed(_("Indica il nome del progetto."), field="nome")
    if data_inizio is None:
        raise ValidationFailed(_("Indica l'inizio del progetto."), field="data_inizio")
    if data_fine is not None and data_fine < data_inizio:
        raise ValidationFailed(_("La fine del progetto precede l'inizio."), field="data_fine")
    if Progetto.objects.filter(nome__iexact=nome).exists():
        raise AlreadyExists(_("Esiste già un progetto con questo nome."), field="nome")
    with transaction.atomic():
        progetto = Progetto.objects.create(nome=nome, data_inizio=data_inizio,
                                           data_fine=data_fine, settore=(settore or "").strip(),
                                           descrizione=(descrizione or "").strip(), posti=posti)
        _audit(actor, "lsu.progetto_creato", progetto, {"nome": nome})
    return progetto


def dichiarazione_registra(*, actor: Actor, persona: Persona, data: date | None,
                           disponibilita: str, competenze: str = "",
                           ore_settimanali: Decimal | None = None, patente: bool = False,
                           note: str = "") -> Dichiarazione:
    if data is None:
        raise ValidationFailed(_("Indica la data della dichiarazione."), field="data")
    if data > timezone.localdate():
        raise ValidationFailed(_("La data della dichiarazione non può essere nel futuro."),
                               field="data")
    if disponibilita not in Dichiarazione.Disponibilita.values:
        raise ValidationFailed(_("Indica la disponibilità."), field="disponibilita")
    if ore_settimanali is not None and ore_settimanali <= 0:
        raise ValidationFailed(_("Le ore settimanali devono essere più di zero."),
                               field="ore_settimanali")
    _persona_attiva(persona)
    with transaction.atomic():
        dichiarazione = Dichiarazione.objects.create(
            persona=persona, data=data, disponibilita=disponibilita,
            competenze=(competenze or "").strip(), ore_settimanali=ore_settimanali,
            patente=patente, note=(note or "").strip(),
            registrata_da_label=_label(actor.user))
        _audit(actor, "lsu.dichiarazione_registrata", dichiarazione,
               {"persona": str(persona.public_id)})
    return dichiarazione


def dichiarazione_ritira(*, actor: Actor, dichiarazione: Dichiarazione) -> Dichiarazione:
    if dichiarazione.stato == Dichiarazione.Stato.RITIRATA:
        return dichiarazione
    with transaction.atomic():
        dichiarazione.stato = Dichiarazione.Stato.RITIRATA
        dichiarazione.save(update_fields=["stato", "updated_at"])
        _audit(actor, "lsu.dichiarazione_ritirata", dichiarazione)
    return dichiarazione


# --- contracts -----------------------------------------------------------------------------


def contratto_crea(*, actor: Actor, persona: Persona, progetto: Progetto, servizio: Servizio,
                   data_inizio: date | None, data_fine: date | None,
                   ore_settimanali: Decimal | None, compenso_orario: Decimal | None,
                   dichiarazione: Dichiarazione | None = None,
                   determina: Any | None = None) -> Contratto:
    """Sign a contract and record it as an approved LSU intervention for the person. Two
    contracts of one person may not overlap: the person's row is locked while checking."""
    if data_inizio is None:
        raise ValidationFailed(_("Indica l'inizio del contratto."), field="data_inizio")
    if data_fine is None:
        raise ValidationFailed(_("Indica la fine del contratto."), field="data_fine")
    if data_fine < data_inizio:
        raise ValidationFailed(_("La fine del contratto precede l'inizio."), field="data_fine")
    if data_inizio < progetto.data_inizio or (progetto.data_fine is not None
                                              and data_fine > progetto.data_fine):
        raise ValidationFailed(_("Il contratto deve stare nel periodo del progetto."),
                               field="data_inizio")
    if ore_settimanali is None or ore_settimanali <= 0:
        raise ValidationFailed(_("Le ore settimanali devono essere più di zero."),
                               field="ore_settimanali")
    if ore_settimanali > 40:
        raise ValidationFailed(_("Non più di 40 ore settimanali."), field="ore_settimanali")
    if compenso_orario is None or compenso_orario <= 0:
        raise ValidationFailed(_("Il compenso orario deve essere più di zero."),
                               field="compenso_orario")
    if servizio.tipo != TipoIntervento.LSU or not servizio.attivo:
        raise ValidationFailed(_("Scegli un servizio attivo di lavori socialmente utili."),
                               field="servizio")
    if dichiarazione is not None and dichiarazione.persona_id != persona.pk:
        raise ValidationFailed(_("La dichiarazione è di un'altra persona."),
                               field="dichiarazione")
    if determina is not None and determina.stato != "esecutiva":
        raise ValidationFailed(_("La determina %(d)s non è esecutiva: non impegna altri "
                                 "contratti.") % {"d": determina.riferimento}, field="determina")
    _persona_attiva(persona)
    oggi = timezone.localdate()
    ore_mensili = (ore_settimanali * SETTIMANE_PER_MESE).quantize(CENT, rounding=ROUND_HALF_UP)
    with transaction.atomic():
        Persona.objects.select_for_update().filter(pk=persona.pk).first()
        sovrapposto = Contratto.objects.filter(
            persona=persona, data_inizio__lte=data_fine, data_fine__gte=data_inizio).first()
        if sovrapposto is not None:
            raise ValidationFailed(
                _("La persona ha già il contratto %(numero)s dal %(dal)s al %(al)s: i periodi "
                  "si sovrappongono.") % {"numero": sovrapposto.numero,
                                          "dal": f"{sovrapposto.data_inizio:%d/%m/%Y}",
                                          "al": f"{sovrapposto.data_fine:%d/%m/%Y}"},
                field="data_inizio")
        cartella = Cartella.objects.filter(persona=persona).first()
        intervento = Intervento.objects.create(
            persona=persona, cartella=cartella, servizio=servizio,
            stato=Intervento.Stato.APPROVATO, tipo=TipoIntervento.LSU,
            carattere=servizio.carattere, area_target=servizio.area_target,
            presa_in_carico=cartella is not None,
            proposto_da_id=actor.user.pk, proposto_da_label=_label(actor.user), proposto_il=oggi,
            deciso_da_id=actor.user.pk, deciso_da_label=_label(actor.user), deciso_il=oggi,
            data_inizio=data_inizio, data_fine=data_fine, importo_totale=ZERO,
            importo_mensile=compenso_di(ore_mensili, compenso_orario), ore_mensili=ore_mensili,
            determina=determina, note=_("Contratto LSU, progetto «%(p)s»") % {"p": progetto.nome})
        contratto = Contratto.objects.create(
            numero=next_number("lsu.contratto", data_inizio.year), persona=persona,
            progetto=progetto, dichiarazione=dichiarazione, intervento=intervento,
            data_inizio=data_inizio, data_fine=data_fine, ore_settimanali=ore_settimanali,
            compenso_orario=compenso_orario, determina=determina,
            registrato_da_label=_label(actor.user))
        _audit(actor, "lsu.contratto_firmato", contratto,
               {"persona": str(persona.public_id), "progetto": progetto.nome,
                "intervento": str(intervento.public_id),
                "dal": data_inizio.isoformat(), "al": data_fine.isoformat(),
                "ore_settimanali": str(ore_settimanali), "compenso_orario": str(compenso_orario)})
    return contratto


# --- hours worked and pay ------------------------------------------------------------------


def _aggiorna_totale(contratto: Contratto) -> None:
    """The intervention's total is what the months registered so far are worth."""
    totale = (contratto.compensi.exclude(stato=Compenso.Stato.ANNULLATO)
              .aggregate(t=Sum("importo"))["t"] or ZERO)
    Intervento.objects.filter(pk=contratto.intervento_id).update(importo_totale=totale,
                                                                 updated_at=timezone.now())


def compenso_registra(*, actor: Actor, contratto: Contratto, mese: date | None,
                      ore: Decimal | None) -> Compenso:
    """The hours worked in a month and the pay they give (hours × hourly pay, to the cent),
    ready to be liquidated."""
    if mese is None:
        raise ValidationFailed(_("Indica il mese."), field="mese")
    mese = primo_del_mese(mese)
    if ore is None or ore <= 0:
        raise ValidationFailed(_("Le ore lavorate devono essere più di zero."), field="ore")
    if mese > timezone.localdate():
        raise ValidationFailed(_("Il mese non è ancora cominciato."), field="mese")
    if fine_mese(mese) < contratto.data_inizio or mese > contratto.data_fine:
        raise ValidationFailed(_("Il mese è fuori dal periodo del contratto (dal %(dal)s al "
                                 "%(al)s).") % {"dal": f"{contratto.data_inizio:%d/%m/%Y}",
                                               "al": f"{contratto.data_fine:%d/%m/%Y}"},
                               field="mese")
    massimo = (contratto.ore_settimanali * Decimal(31) / Decimal(7)).quantize(
        CENT, rounding=ROUND_HALF_UP)
    if ore > massimo:
        raise ValidationFailed(_("%(ore)s ore superano quelle possibili nel mese con %(sett)s "
                                 "ore settimanali (al massimo %(max)s).")
                               % {"ore": ore, "sett": contratto.ore_settimanali, "max": massimo},
                               field="ore")
    importo = compenso_di(ore, contratto.compenso_orario)
    try:
        with transaction.atomic():
            compenso = Compenso.objects.create(contratto=contratto, mese=mese, ore=ore,
                                               importo=importo,
                                               registrato_da_label=_label(actor.user))
            _aggiorna_totale(contratto)
            _audit(actor, "lsu.compenso_registrato", contratto,
                   {"mese": mese.isoformat(), "ore": str(ore), "importo": str(importo)})
    except IntegrityError as exc:
        raise AlreadyExists(_("Le ore di %(mese)s sono già registrate: annulla la riga se "
                              "vanno corrette.") % {"mese": f"{mese:%m/%Y}"},
                            field="mese") from exc
    return compenso


def compenso_annulla(*, actor: Actor, compenso: Compenso) -> Compenso:
    """Cancel a month not yet liquidated (to register it again with the right hours)."""
    with transaction.atomic():
        compenso = Compenso.objects.select_for_update().get(pk=compenso.pk)
        if compenso.stato != Compenso.Stato.DA_LIQUIDARE:
            raise ValidationFailed(_("Il compenso è già liquidato: non si può annullare."))
        compenso.stato = Compenso.Stato.ANNULLATO
        compenso.save(update_fields=["stato", "updated_at"])
        _aggiorna_totale(compenso.contratto)
        _audit(actor, "lsu.compenso_annullato", compenso.contratto,
               {"mese": compenso.mese.isoformat(), "importo": str(compenso.importo)})
    return compenso


def sposta_persona(tieni: Persona, elimina: Persona) -> int:
    """Merge hook: declarations and contracts of a duplicate person move to the kept one."""
    moved = Dichiarazione.objects.filter(persona=elimina).update(persona=tieni)
    moved += Contratto.objects.filter(persona=elimina).update(persona=tieni)
    return moved


def contratto_cessa(*, actor: Actor, contratto: Contratto, data: date | None,
                    motivo: str) -> Contratto:
    """End a contract early (resignation, new job, ...): the intervention ends too. Months
    already registered after the new end must be cancelled first."""
    motivo = (motivo or "").strip()
    if not motivo:
        raise ValidationFailed(_("Indica il motivo della cessazione."), field="motivo")
    if data is None:
        raise ValidationFailed(_("Indica la data di cessazione."), field="data")
    if contratto.stato != Contratto.Stato.ATTIVO:
        raise ValidationFailed(_("Il contratto è già concluso."))
    if data < contratto.data_inizio:
        raise ValidationFailed(_("La cessazione precede l'inizio del contratto."), field="data")
    if data > contratto.data_fine:
        raise ValidationFailed(_("La cessazione è dopo la fine prevista del contratto."),
                               field="data")
    if contratto.compensi.exclude(stato=Compenso.Stato.ANNULLATO).filter(mese__gt=data).exists():
        raise ValidationFailed(_("Ci sono ore registrate dopo questa data: annullale prima."),
                               field="data")
    with transaction.atomic():
        prima = contratto.data_fine
        contratto.data_fine = data
        contratto.stato = Contratto.Stato.CONCLUSO
        contratto.save(update_fields=["data_fine", "stato", "updated_at"])
        Intervento.objects.filter(pk=contratto.intervento_id).update(
            data_fine=data, stato=Intervento.Stato.CONCLUSO, updated_at=timezone.now())
        _audit(actor, "lsu.contratto_cessato", contratto,
               {"fine_prevista": prima.isoformat(), "data": data.isoformat(), "motivo": motivo})
    return contratto
