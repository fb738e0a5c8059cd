"""Writes of the Tribunale per i minorenni: proceedings, assigned social workers, hearings,
family problems and interventions. Each runs in one transaction with its audit entry; the
operators concerned are told in the inbox at once and by e-mail after commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.anagrafica.models import Persona
from services.anagrafica.services import Actor
from services.core.audit import audit_log
from services.core.errors import AlreadyExists, ValidationFailed
from services.interventi.models import Intervento
from tenants.models import Membership, User
from tenants.roles import ROLE_CAPABILITIES, Capability

from . import notifiche
from .models import (
    Convocato,
    OperatoreProcedimento,
    ProblematicaFamiliare,
    Procedimento,
    Udienza,
)


def _label(user: Any) -> str:
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or getattr(user, "email", "") or str(user)


def _audit(actor: Actor, action: str, procedimento: Procedimento,
           payload: dict | None = None) -> None:
    audit_log(action=action, actor=actor.user, obj=procedimento, payload=payload or {},
              ip_address=actor.ip_address)


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, field=field)
    return value


def ensure_aperto(procedimento: Procedimento) -> None:
    if procedimento.stato != Procedimento.Stato.APERTO:
        raise ValidationFailed(_("Il procedimento è chiuso: non si può più modificare."))


def _membri(*capabilities: str) -> list[Membership]:
    roles = [r for r, caps in ROLE_CAPABILITIES.items() if any(c in caps for c in capabilities)]
    return list(Membership.objects.filter(ente_id=connection.tenant.pk,  # type: ignore[attr-defined]
                                          is_active=True, role__in=roles)
                .select_related("user").order_by("user__last_name", "user__first_name"))


def operatori_incaricabili() -> list[Membership]:
    """Members of this comune who may follow proceedings (social workers, dirigenti)."""
    return _membri(Capability.MANAGE_TRIBUNALE)


def operatori_convocabili() -> list[Membership]:
    """Members of this comune who may be summoned to a hearing: also educators and
    psychologists, who do not follow proceedings themselves."""
    return _membri(Capability.MANAGE_TRIBUNALE, Capability.VIEW_CARTELLA)


def _operatori(user_ids: Iterable[int], field: str, *, convocati: bool = False) -> list[User]:
    ids = list(dict.fromkeys(int(i) for i in user_ids))
    membri = operatori_convocabili() if convocati else operatori_incaricabili()
    ammessi = {m.user_id: m.user for m in membri}
    if any(i not in ammessi for i in ids):
        if convocati:
            raise ValidationFailed(_("Puoi convocare solo operatori di questo comune."),
                                   field=field)
        raise ValidationFailed(_("Puoi scegliere solo operatori di questo comune abilitati ai "
                                 "procedimenti del Tribunale per i minorenni."), field=field)
    return [ammessi[i] for i in ids]


def chi_legge(procedimento: Procedimento) -> set[int]:
    """Operators who can open the proceeding: assigned, or in a role that sees every case."""
    tutti = {m.user_id for m in _membri(Capability.VIEW_ALL_CARTELLE)
             if Capability.MANAGE_TRIBUNALE in ROLE_CAPABILITIES.get(m.role, frozenset())}
    return tutti | {op.user_id for op in procedimento.operatori.filter(al__isnull=True)}


def _eta(persona: Persona, al: date) -> int:
    nascita = persona.data_nascita
    return al.year - nascita.year - ((al.month, al.day) < (nascita.month, nascita.day))


def procedimento_crea(*, actor: Actor, numero_rg: str, tribunale: str, tipo: str,
                      ricevuto_il: date | None, minori: Sequence[Persona],
                      operatori_ids: Iterable[int], decreto_numero: str = "",
                      decreto_data: date | None = None,
                      decreto_sintesi: str = "") -> Procedimento:
    """Register a proceeding sent by the court and assign it. A creator who does not see
    every case is assigned too, or they could not read what they just wrote."""
    numero_rg = _required(numero_rg, "numero_rg", _("Indica il numero di ruolo (R.G.)."))
    tribunale = _required(tribunale, "tribunale", _("Indica il tribunale."))
    if tipo not in Procedimento.Tipo.values:
        raise ValidationFailed(_("Scegli il tipo di procedimento."), field="tipo")
    oggi = timezone.localdate()
    if ricevuto_il is None:
        raise ValidationFailed(_("Indica la data di ricezione."), field="ricevuto_il")
    if ricevuto_il > oggi:
        raise ValidationFailed(_("La data di ricezione non può essere nel futuro."),
                               field="ricevuto_il")
    if decreto_data is not None and decreto_data > ricevuto_il:
        raise ValidationFailed(_("Il decreto non può essere successivo alla data di ricezione."),
                               field="decreto_data")
    if not minori:
        raise ValidationFailed(_("Indica almeno un minore coinvolto."), field="minori")
    if tipo != Procedimento.Tipo.PENALE:
        for minore in minori:
            if _eta(minore, decreto_data or ricevuto_il) >= 18:
                raise ValidationFailed(
                    _("%(nome)s non era minorenne alla data del decreto.")
                    % {"nome": f"{minore.cognome} {minore.nome}"}, field="minori")
    operatori = _operatori(operatori_ids, "operatori")
    from .selectors import vede_tutti

    if not vede_tutti(actor.user) and actor.user.pk not in {u.pk for u in operatori}:
        operatori.append(actor.user)
    if not operatori:
        raise ValidationFailed(_("Assegna il procedimento ad almeno un assistente sociale."),
                               field="operatori")
    if Procedimento.objects.filter(tribunale__iexact=tribunale,
                                   numero_rg__iexact=numero_rg).exists():
        raise AlreadyExists(_("Il procedimento R.G. %(rg)s di questo tribunale è già "
                              "registrato.") % {"rg": numero_rg}, field="numero_rg")
    try:
        with transaction.atomic():
            procedimento = Procedimento.objects.create(
                numero_rg=numero_rg, tribunale=tribunale, tipo=tipo, ricevuto_il=ricevuto_il,
                decreto_numero=(decreto_numero or "").strip(), decreto_data=decreto_data,
                decreto_sintesi=(decreto_sintesi or "").strip(),
                registrato_da_id=actor.user.pk, registrato_da_label=_label(actor.user))
            procedimento.minori.set(minori)
            for user in operatori:
                OperatoreProcedimento.objects.create(procedimento=procedimento, user_id=user.pk,
                                                     user_label=_label(user), dal=oggi)
            _audit(actor, "procedimento.registrato", procedimento,
                   {"numero_rg": numero_rg, "minori": [str(m.public_id) for m in minori],
                    "operatori": [u.pk for u in operatori]})
            notifiche.avvisa_assegnazione(procedimento,
                                          [u.pk for u in operatori if u.pk != actor.user.pk])
    except IntegrityError as exc:  # the same proceeding registered at the same moment
        raise AlreadyExists(_("Il procedimento R.G. %(rg)s di questo tribunale è già "
                              "registrato.") % {"rg": numero_rg}, field="numero_rg") from exc
    return procedimento


def procedimento_aggiorna_decreto(*, actor: Actor, procedimento: Procedimento,
                                  decreto_numero: str, decreto_data: date | None,
                                  decreto_sintesi: str) -> Procedimento:
    """A new decree on the same proceeding (the previous one stays in the audit trail)."""
    ensure_aperto(procedimento)
    if decreto_data is not None and decreto_data > timezone.localdate():
        raise ValidationFailed(_("La data del decreto non può essere nel futuro."),
                               field="decreto_data")
    with transaction.atomic():
        prima = {"numero": procedimento.decreto_numero,
                 "data": procedimento.decreto_data.isoformat() if procedimento.decreto_data
                 else None}
        procedimento.decreto_numero = (decreto_numero or "").strip()
        procedimento.decreto_data = decreto_data
        procedimento.decreto_sintesi = (decreto_sintesi or "").strip()
        procedimento.save(update_fields=["decreto_numero", "decreto_data", "decreto_sintesi",
                                         "updated_at"])
        _audit(actor, "procedimento.decreto_aggiornato", procedimento, {"prima": prima})
    return procedimento


def operatore_assegna(*, actor: Actor, procedimento: Procedimento,
                      user_id: int) -> OperatoreProcedimento:
    ensure_aperto(procedimento)
    (user,) = _operatori([user_id], "user_id")
    with transaction.atomic():
        current = OperatoreProcedimento.objects.filter(procedimento=procedimento,
                                                       user_id=user.pk, al__isnull=True).first()
        if current is not None:
            return current
        op = OperatoreProcedimento.objects.create(procedimento=procedimento, user_id=user.pk,
                                                  user_label=_label(user),
                                                  dal=timezone.localdate())
        _audit(actor, "procedimento.operatore_assegnato", procedimento, {"operatore": user.pk})
        if user.pk != actor.user.pk:
            notifiche.avvisa_assegnazione(procedimento, [user.pk])
    return op


def operatore_revoca(*, actor: Actor, procedimento: Procedimento, user_id: int) -> None:
    ensure_aperto(procedimento)
    attivi = OperatoreProcedimento.objects.filter(procedimento=procedimento, al__isnull=True)
    if not attivi.filter(user_id=user_id).exists():
        return
    if attivi.count() == 1:
        raise ValidationFailed(_("Il procedimento deve restare assegnato ad almeno un "
                                 "assistente sociale."))
    with transaction.atomic():
        attivi.filter(user_id=user_id).update(al=timezone.localdate())
        _audit(actor, "procedimento.operatore_revocato", procedimento, {"operatore": user_id})


def procedimento_chiudi(*, actor: Actor, procedimento: Procedimento, data: date | None,
                        motivo: str) -> Procedimento:
    ensure_aperto(procedimento)
    motivo = _required(motivo, "motivo", _("Indica il motivo della chiusura."))
    if data is None:
        raise ValidationFailed(_("Indica la data di chiusura."), field="data")
    if data > timezone.localdate():
        raise ValidationFailed(_("La data di chiusura non può essere nel futuro."), field="data")
    if data < procedimento.ricevuto_il:
        raise ValidationFailed(_("La data di chiusura precede la ricezione del procedimento."),
                               field="data")
    if procedimento.udienze.filter(stato=Udienza.Stato.FISSATA,
                                   inizio__gt=timezone.now()).exists():
        raise ValidationFailed(_("Ci sono udienze ancora da tenere: annullale o registrane "
                                 "l'esito prima di chiudere."))
    with transaction.atomic():
        procedimento.stato = Procedimento.Stato.CHIUSO
        procedimento.chiuso_il = data
        procedimento.motivo_chiusura = motivo
        procedimento.save(update_fields=["stato", "chiuso_il", "motivo_chiusura", "updated_at"])
        _audit(actor, "procedimento.chiuso", procedimento, {"data": data.isoformat()})
    return procedimento


# --- hearings ------------------------------------------------------------------------------


def _check_udienza(inizio: datetime | None, luogo: str) -> tuple[datetime, str]:
    if inizio is None:
        raise ValidationFailed(_("Indica data e ora dell'udienza."), field="inizio")
    if timezone.is_naive(inizio):
        inizio = timezone.make_aware(inizio)
    if inizio <= timezone.now():
        raise ValidationFailed(_("Data e ora dell'udienza sono già passate: indica una data "
                                 "futura."), field="inizio")
    luogo = _required(luogo, "luogo", _("Indica il luogo dell'udienza."))
    return inizio, luogo


def _convoca(udienza: Udienza, operatori: list[User], persone: Sequence[Persona]) -> set[int]:
    """Make the summoned list exactly these; return the operators newly summoned."""
    prima = set(udienza.convocati.filter(user_id__isnull=False).values_list("user_id", flat=True))
    dopo = {u.pk for u in operatori}
    udienza.convocati.filter(user_id__isnull=False).exclude(user_id__in=dopo).delete()
    for user in operatori:
        if user.pk not in prima:
            Convocato.objects.create(udienza=udienza, user_id=user.pk, user_label=_label(user))
    persone_ids = {p.pk for p in persone}
    udienza.convocati.filter(persona__isnull=False).exclude(persona_id__in=persone_ids).delete()
    esistenti = set(udienza.convocati.filter(persona__isnull=False)
                    .values_list("persona_id", flat=True))
    for persona in persone:
        if persona.pk not in esistenti:
            Convocato.objects.create(udienza=udienza, persona=persona)
    return dopo - prima


def udienza_fissa(*, actor: Actor, procedimento: Procedimento, inizio: datetime | None,
                  luogo: str, giudice: str = "", operatori_ids: Iterable[int] = (),
                  persone: Sequence[Persona] = ()) -> Udienza:
    """Schedule a hearing; the operators summoned are told at once."""
    ensure_aperto(procedimento)
    inizio, luogo = _check_udienza(inizio, luogo)
    operatori = _operatori(operatori_ids, "operatori", convocati=True)
    if not operatori and not persone:
        raise ValidationFailed(_("Indica chi è convocato all'udienza."), field="operatori")
    with transaction.atomic():
        udienza = Udienza.objects.create(procedimento=procedimento, inizio=inizio, luogo=luogo,
                                         giudice=(giudice or "").strip())
        _convoca(udienza, operatori, persone)
        _audit(actor, "udienza.fissata", procedimento,
               {"udienza": str(udienza.public_id), "inizio": inizio.isoformat(),
                "convocati": [u.pk for u in operatori]})
        notifiche.avvisa_udienza(udienza, [u.pk for u in operatori], modificata=False)
    return udienza


def udienza_modifica(*, actor: Actor, udienza: Udienza, inizio: datetime | None, luogo: str,
                     giudice: str = "", operatori_ids: Iterable[int] = (),
                     persone: Sequence[Persona] = ()) -> Udienza:
    """Move or change a hearing still to be held. When date, time or place change every
    operator summoned is told; otherwise only the newly summoned ones."""
    procedimento = udienza.procedimento
    ensure_aperto(procedimento)
    if udienza.stato != Udienza.Stato.FISSATA:
        raise ValidationFailed(_("Si possono modificare solo le udienze ancora da tenere."))
    inizio, luogo = _check_udienza(inizio, luogo)
    operatori = _operatori(operatori_ids, "operatori", convocati=True)
    if not operatori and not persone:
        raise ValidationFailed(_("Indica chi è convocato all'udienza."), field="operatori")
    with transaction.atomic():
        spostata = inizio != udienza.inizio or luogo != udienza.luogo
        prima = {"inizio": udienza.inizio.isoformat(), "luogo": udienza.luogo}
        udienza.inizio, udienza.luogo = inizio, luogo
        udienza.giudice = (giudice or "").strip()
        udienza.save(update_fields=["inizio", "luogo", "giudice", "updated_at"])
        nuovi = _convoca(udienza, operatori, persone)
        _audit(actor, "udienza.modificata", procedimento,
               {"udienza": str(udienza.public_id), "prima": prima,
                "inizio": inizio.isoformat(), "convocati": [u.pk for u in operatori]})
        avvisare = [u.pk for u in operatori] if spostata else [u.pk for u in operatori
                                                                if u.pk in nuovi]
        if avvisare:
            notifiche.avvisa_udienza(udienza, avvisare, modificata=spostata)
    return udienza


def udienza_esito(*, actor: Actor, udienza: Udienza, stato: str, esito: str) -> Udienza:
    """Record what happened: held (with the outcome), postponed or cancelled."""
    ensure_aperto(udienza.procedimento)
    if stato not in Udienza.Stato.values or stato == Udienza.Stato.FISSATA:
        raise ValidationFailed(_("Scegli l'esito dell'udienza."), field="stato")
    esito = (esito or "").strip()
    if stato == Udienza.Stato.SVOLTA:
        if udienza.inizio > timezone.now():
            raise ValidationFailed(_("L'udienza non si è ancora tenuta."), field="stato")
        if not esito:
            raise ValidationFailed(_("Riassumi l'esito dell'udienza."), field="esito")
    with transaction.atomic():
        udienza.stato = stato
        udienza.esito = esito
        udienza.save(update_fields=["stato", "esito", "updated_at"])
        _audit(actor, "udienza.esito", udienza.procedimento,
               {"udienza": str(udienza.public_id), "stato": stato})
    return udienza


# --- family problems and interventions -----------------------------------------------------


def problematica_registra(*, actor: Actor, procedimento: Procedimento, categoria: str,
                          rilevata_il: date | None, descrizione: str = ""
                          ) -> ProblematicaFamiliare:
    ensure_aperto(procedimento)
    if categoria not in ProblematicaFamiliare.Categoria.values:
        raise ValidationFailed(_("Scegli la problematica."), field="categoria")
    if rilevata_il is None:
        raise ValidationFailed(_("Indica quando è stata rilevata."), field="rilevata_il")
    if rilevata_il > timezone.localdate():
        raise ValidationFailed(_("La data non può essere nel futuro."), field="rilevata_il")
    with transaction.atomic():
        problema = ProblematicaFamiliare.objects.create(
            procedimento=procedimento, categoria=categoria, rilevata_il=rilevata_il,
            descrizione=(descrizione or "").strip(), registrata_da_label=_label(actor.user))
        _audit(actor, "procedimento.problematica", procedimento, {"categoria": categoria})
    return problema


def interventi_collegabili(procedimento: Procedimento) -> list[Intervento]:
    return list(Intervento.objects.filter(persona__in=procedimento.minori.all())
                .exclude(pk__in=procedimento.interventi.values("pk"))
                .select_related("servizio", "persona").order_by("-proposto_il", "-id"))


def intervento_collega(*, actor: Actor, procedimento: Procedimento,
                       intervento: Intervento) -> None:
    ensure_aperto(procedimento)
    if not procedimento.minori.filter(pk=intervento.persona_id).exists():
        raise ValidationFailed(_("L'intervento non riguarda un minore di questo procedimento."),
                               field="intervento")
    with transaction.atomic():
        procedimento.interventi.add(intervento)
        _audit(actor, "procedimento.intervento_collegato", procedimento,
               {"intervento": str(intervento.public_id)})


def sposta_persona(tieni: Any, elimina: Any) -> int:
    """Merge hook: the proceedings and summonses of a duplicate person move to the kept one."""
    moved = 0
    for procedimento in Procedimento.objects.filter(minori=elimina):
        procedimento.minori.remove(elimina)
        procedimento.minori.add(tieni)
        moved += 1
    gia = Convocato.objects.filter(persona=tieni).values("udienza_id")
    Convocato.objects.filter(persona=elimina, udienza_id__in=gia).delete()
    moved += Convocato.objects.filter(persona=elimina).update(persona=tieni)
    return moved


def cartella_apri_per_minore(*, actor: Actor, procedimento: Procedimento,
                             minore: Persona) -> Any:
    """A decree of the court obliges the service to open the minor's case file: the actor
    becomes responsible, the other social workers of the proceeding are enabled on it."""
    from services.cartella.services import cartella_apri, operatore_abilita

    ensure_aperto(procedimento)
    if not procedimento.minori.filter(pk=minore.pk).exists():
        raise ValidationFailed(_("La persona non è un minore di questo procedimento."))
    oggi = timezone.localdate()
    motivo = _("Provvedimento dell'autorità giudiziaria: %(tribunale)s, R.G. %(rg)s") % {
        "tribunale": procedimento.tribunale, "rg": procedimento.numero_rg}
    with transaction.atomic():
        cartella = cartella_apri(actor=actor, persona=minore, area_target="famiglia_minori",
                                 data=oggi, motivo=motivo)
        altri = [op.user_id for op in operatori_attivi_di(procedimento)
                 if op.user_id != actor.user.pk]
        for user in User.objects.filter(pk__in=altri):
            operatore_abilita(actor=actor, cartella=cartella, user=user,
                              ruolo=_("Procedimento R.G. %(rg)s") % {"rg": procedimento.numero_rg},
                              dal=oggi)
        _audit(actor, "procedimento.cartella_aperta", procedimento,
               {"cartella": str(cartella.public_id), "minore": str(minore.public_id)})
    return cartella


def operatori_attivi_di(procedimento: Procedimento) -> list[OperatoreProcedimento]:
    return list(procedimento.operatori.filter(al__isnull=True))
