"""One register row applied to the person registry, through the registry's own service
functions (so validation and audit stay in one place). A row is all or nothing: the caller
runs it in a savepoint and records the reason when a rule refuses it.

What the register says wins, but history is never rewritten: a new address or household
starts on the residence decorrenza (or today, when the register gives no later date) and the
previous one is closed the day before; deaths and emigrations mark the person and close what
was current. People on a case file are flagged to their social worker, never removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from services.anagrafica.models import Indirizzo, MembroNucleo, Nucleo, Persona
from services.anagrafica.services import (
    Actor,
    PossibleDuplicate,
    indirizzo_cambia,
    nucleo_aggiungi,
    nucleo_crea,
    nucleo_rimuovi,
    persona_create,
    persona_decesso,
    persona_emigrazione,
    persona_update,
)
from services.cartella.models import AvvisoCartella, Cartella
from services.cartella.services import avviso_crea
from services.core.audit import audit_log
from services.core.errors import AlreadyExists, ValidationFailed
from services.core.text import fold

from .tracciato import (
    CITTADINANZA_NON_DISPONIBILE,
    DECEDUTO,
    EMIGRATO,
    RESIDENTE,
    RigaAnagrafe,
)

CREATO, AGGIORNATO, INVARIATO = "creato", "aggiornato", "invariato"
FONTE_AVVISI = "anagrafe"


@dataclass
class Contesto:
    """What every row of one import shares."""

    actor: Actor
    comune: dict[str, str]  # comune, comune_istat, provincia of the residence addresses
    oggi: date
    nuclei: dict[str, Nucleo] = field(default_factory=dict)  # by numero di famiglia
    # Households created by this import: filling them is not news for anyone.
    nuclei_nuovi: set[str] = field(default_factory=set)
    # Created by the row being applied: forgotten if its savepoint is rolled back.
    nuclei_della_riga: list[str] = field(default_factory=list)

    def dimentica_riga(self) -> None:
        for numero in self.nuclei_della_riga:
            self.nuclei.pop(numero, None)
            self.nuclei_nuovi.discard(numero)
        self.nuclei_della_riga.clear()


@dataclass
class Lotto:
    """The registry's current state for the people of one batch, read in a few queries."""

    per_codice: dict[str, Persona]
    per_cf: dict[str, Persona]
    residenze: dict[int, Indirizzo]
    appartenenze: dict[int, MembroNucleo]

    @classmethod
    def carica(cls, ctx: Contesto, righe: list[RigaAnagrafe]) -> Lotto:
        codici = [r.codice_individuale for r in righe]
        cfs = [r.codice_fiscale for r in righe if r.codice_fiscale]
        per_codice = {p.codice_anagrafe: p for p in Persona.objects.filter(codice_anagrafe__in=codici)}
        per_cf = {p.codice_fiscale: p for p in
                  Persona.objects.filter(codice_fiscale__in=cfs, unita_in__isnull=True)}
        ids = {p.pk for p in per_codice.values()} | {p.pk for p in per_cf.values()}
        ids |= {p.unita_in_id for p in per_codice.values() if p.unita_in_id}
        residenze = {i.persona_id: i for i in Indirizzo.objects.filter(
            persona_id__in=ids, tipo=Indirizzo.Tipo.RESIDENZA, al__isnull=True)}
        appartenenze = {m.persona_id: m for m in MembroNucleo.objects.filter(
            persona_id__in=ids, al__isnull=True).select_related("nucleo")}
        mancanti = {r.numero_famiglia for r in righe} - set(ctx.nuclei)
        ctx.nuclei.update((n.codice_anagrafe, n) for n in
                          Nucleo.objects.filter(codice_anagrafe__in=mancanti))
        return cls(per_codice, per_cf, residenze, appartenenze)


def applica_riga(ctx: Contesto, lotto: Lotto, riga: RigaAnagrafe) -> str:
    """Apply one row; returns CREATO, AGGIORNATO or INVARIATO, or raises an AmbitoError
    whose message is the reason the row is rejected."""
    persona, per_cf = _trova(lotto, riga)
    if persona is None:
        if riga.stato != RESIDENTE:
            # Someone Ambito never knew, already dead or gone: nothing to keep track of.
            return INVARIATO
        persona = _crea(ctx, riga)
        _famiglia(ctx, riga, persona, None)
        return CREATO
    cambiato = _identita(ctx, persona, riga)
    if per_cf and not persona.codice_anagrafe:
        persona_collega_anagrafe(actor=ctx.actor, persona=persona,
                                 codice_anagrafe=riga.codice_individuale)
        cambiato = True
    if riga.stato == DECEDUTO:
        return _esito(_decesso(ctx, lotto, persona, riga) or cambiato)
    if riga.stato == EMIGRATO:
        return _esito(_emigrazione(ctx, lotto, persona, riga) or cambiato)
    _deve_risiedere(persona)
    cambiato = _residenza(ctx, persona, riga, lotto.residenze.get(persona.pk)) or cambiato
    cambiato = _famiglia(ctx, riga, persona, lotto.appartenenze.get(persona.pk)) or cambiato
    return _esito(cambiato)


def _esito(cambiato: bool) -> str:
    return AGGIORNATO if cambiato else INVARIATO


def persona_collega_anagrafe(*, actor: Actor, persona: Persona, codice_anagrafe: str) -> Persona:
    """Record the register id on a person known until now only by codice fiscale."""
    with transaction.atomic():
        altra = Persona.objects.filter(codice_anagrafe=codice_anagrafe).exclude(pk=persona.pk).first()
        if altra is not None:
            raise AlreadyExists(
                _("Il codice individuale %(c)s è già assegnato a %(who)s.")
                % {"c": codice_anagrafe, "who": altra.nome_completo}, field="codice_anagrafe")
        persona.codice_anagrafe = codice_anagrafe
        persona.save(update_fields=["codice_anagrafe", "updated_at"])
        audit_log(action="persona.collegata_anagrafe", actor=actor.user, obj=persona,
                  payload={"codice_anagrafe": codice_anagrafe}, ip_address=actor.ip_address)
    return persona


# --- who is it ----------------------------------------------------------------------------


def _trova(lotto: Lotto, riga: RigaAnagrafe) -> tuple[Persona | None, bool]:
    """By register id, else by codice fiscale. Returns the person and whether the codice
    fiscale found them."""
    persona = lotto.per_codice.get(riga.codice_individuale)
    if persona is not None:
        while persona.unita_in_id is not None:  # a merged duplicate: the kept record
            persona = Persona.objects.get(pk=persona.unita_in_id)
        return persona, False
    persona = lotto.per_cf.get(riga.codice_fiscale) if riga.codice_fiscale else None
    if persona is not None and persona.codice_anagrafe:
        raise ValidationFailed(
            _("Il codice fiscale %(cf)s è di %(who)s, che nell'anagrafe ha il codice individuale "
              "%(c)s e non %(r)s.")
            % {"cf": riga.codice_fiscale, "who": persona.nome_completo,
               "c": persona.codice_anagrafe, "r": riga.codice_individuale},
            field="codice_fiscale")
    return persona, persona is not None


def _crea(ctx: Contesto, riga: RigaAnagrafe) -> Persona:
    dati: dict[str, Any] = {
        "actor": ctx.actor, "cognome": riga.cognome, "nome": riga.nome, "sesso": riga.sesso,
        "data_nascita": riga.data_nascita, "codice_fiscale": riga.codice_fiscale,
        "luogo_nascita": riga.luogo_nascita,
        "cittadinanza": riga.cittadinanza or CITTADINANZA_NON_DISPONIBILE,
        "codice_anagrafe": riga.codice_individuale,
        "residenza": {"via": riga.via, "civico": riga.civico, "cap": riga.cap,
                      "dal": riga.decorrenza or ctx.oggi, **ctx.comune},
    }
    try:
        return persona_create(**dati)
    except PossibleDuplicate as exc:
        senza_cf = Persona.objects.filter(
            search_text=fold(f"{riga.cognome} {riga.nome}"), data_nascita=riga.data_nascita,
            unita_in__isnull=True, codice_fiscale="").exists()
        if riga.codice_fiscale and not senza_cf:
            # Namesakes born the same day, each with their own codice fiscale: two people.
            return persona_create(**dati, conferma_omonimia=True)
        gemello = getattr(exc, "existing", None)
        chi = gemello.nome_completo if gemello else f"{riga.cognome} {riga.nome}"
        if not riga.codice_fiscale:
            raise ValidationFailed(
                _("Esiste già una scheda di %(who)s, nato/a il %(d)s, e la riga non ha il codice "
                  "fiscale per distinguere le due persone: indicalo nel file.")
                % {"who": chi, "d": riga.data_nascita.strftime("%d/%m/%Y")},
                field="codice_fiscale") from exc
        raise ValidationFailed(
            _("Esiste già una scheda di %(who)s, nato/a il %(d)s, senza codice fiscale: se è la "
              "stessa persona, inserisci %(cf)s in quella scheda e ripeti l'importazione; se è "
              "un'altra persona, completa la sua scheda con il suo codice fiscale.")
            % {"who": chi, "d": riga.data_nascita.strftime("%d/%m/%Y"), "cf": riga.codice_fiscale},
            field="codice_fiscale") from exc


def _identita(ctx: Contesto, persona: Persona, riga: RigaAnagrafe) -> bool:
    """Identity data as the register has it. Names are compared without case and accents
    (registers write in capitals); an empty cell in the file never erases what we know."""
    modifiche: dict[str, object] = {}
    for campo in ("cognome", "nome"):
        if fold(getattr(riga, campo)) != fold(getattr(persona, campo)):
            modifiche[campo] = getattr(riga, campo)
    if riga.sesso != persona.sesso:
        modifiche["sesso"] = riga.sesso
    if riga.data_nascita != persona.data_nascita:
        modifiche["data_nascita"] = riga.data_nascita
    if riga.codice_fiscale and riga.codice_fiscale != persona.codice_fiscale:
        modifiche["codice_fiscale"] = riga.codice_fiscale
    if riga.luogo_nascita and fold(riga.luogo_nascita) != fold(persona.luogo_nascita):
        modifiche["luogo_nascita"] = riga.luogo_nascita
    if riga.cittadinanza and riga.cittadinanza != persona.cittadinanza:
        modifiche["cittadinanza"] = riga.cittadinanza
    if not modifiche:
        return False
    persona_update(actor=ctx.actor, persona=persona, **modifiche)
    return True


def _deve_risiedere(persona: Persona) -> None:
    if persona.stato == Persona.Stato.DECEDUTA:
        raise ValidationFailed(
            _("%(who)s risulta deceduto/a il %(d)s: la riga lo/la indica come residente.")
            % {"who": persona.nome_completo, "d": _gma(persona.data_decesso)}, field="stato")
    if persona.stato == Persona.Stato.EMIGRATA:
        raise ValidationFailed(
            _("%(who)s risulta emigrato/a il %(d)s: il rientro nel comune non si importa "
              "automaticamente, va registrato nella scheda della persona.")
            % {"who": persona.nome_completo, "d": _gma(persona.data_emigrazione)}, field="stato")


def _gma(giorno: date | None) -> str:
    return giorno.strftime("%d/%m/%Y") if giorno else "?"


def _dal(decorrenza: date | None, dopo: date | None, oggi: date) -> date:
    """When a new address or household starts: the register's decorrenza when it is later
    than what is current, otherwise the day of the import."""
    if dopo is None:
        return decorrenza or oggi
    if decorrenza is not None and decorrenza > dopo:
        return decorrenza
    return oggi


# --- where and with whom ------------------------------------------------------------------


def _residenza(ctx: Contesto, persona: Persona, riga: RigaAnagrafe,
               attuale: Indirizzo | None) -> bool:
    if attuale is not None and (
        fold(attuale.via) == fold(riga.via)
        and fold(attuale.civico) == fold(riga.civico)
        and (not riga.cap or attuale.cap == riga.cap)
        and fold(attuale.comune) == fold(ctx.comune["comune"])
    ):
        return False
    dal = _dal(riga.decorrenza, attuale.dal if attuale else None, ctx.oggi)
    indirizzo_cambia(actor=ctx.actor, persona=persona, tipo=Indirizzo.Tipo.RESIDENZA, dal=dal,
                     via=riga.via, civico=riga.civico, cap=riga.cap, **ctx.comune)
    return True


def _famiglia(ctx: Contesto, riga: RigaAnagrafe, persona: Persona,
              attuale: MembroNucleo | None) -> bool:
    numero = riga.numero_famiglia
    if attuale is not None and attuale.nucleo.codice_anagrafe == numero:
        if attuale.relazione == riga.relazione:
            return False
        # Same household, new relation (the spouse becomes head after a death): the old
        # membership is closed, not rewritten.
        dal = _dal(riga.decorrenza, attuale.dal, ctx.oggi)
        nucleo_rimuovi(actor=ctx.actor, membro=attuale, al=dal - timedelta(days=1))
        nucleo_aggiungi(actor=ctx.actor, nucleo=attuale.nucleo, persona=persona,
                        relazione=riga.relazione, dal=dal)
        return True
    dal = _dal(riga.decorrenza, attuale.dal if attuale else None, ctx.oggi)
    nucleo = ctx.nuclei.get(numero)
    if nucleo is None:
        if riga.relazione != MembroNucleo.Relazione.INTESTATARIO:
            raise ValidationFailed(
                _("La famiglia n. %(n)s non è ancora registrata e nel file manca (o è stata "
                  "scartata) la riga del suo intestatario (relazione IS).") % {"n": numero},
                field="numero_famiglia")
        nucleo = nucleo_crea(actor=ctx.actor, intestatario=persona, dal=dal, codice_anagrafe=numero)
        ctx.nuclei[numero] = nucleo
        ctx.nuclei_nuovi.add(numero)
        ctx.nuclei_della_riga.append(numero)
    else:
        nucleo_aggiungi(actor=ctx.actor, nucleo=nucleo, persona=persona,
                        relazione=riga.relazione, dal=dal)
    _avvisa_cambio_nucleo(ctx, persona, attuale, nucleo, dal)
    return True


# --- life events --------------------------------------------------------------------------


def _decesso(ctx: Contesto, lotto: Lotto, persona: Persona, riga: RigaAnagrafe) -> bool:
    if persona.stato == Persona.Stato.DECEDUTA:
        return False
    assert riga.data_evento is not None  # mandatory for this state (tracciato)
    conviventi = _conviventi(persona, lotto.appartenenze.get(persona.pk))
    persona_decesso(actor=ctx.actor, persona=persona, data=riga.data_evento)
    quando = _gma(riga.data_evento)
    _avvisa([persona.pk], AvvisoCartella.Tipo.DECESSO,
            _("L'anagrafe comunica il decesso di %(who)s, avvenuto il %(d)s.")
            % {"who": persona.nome_completo, "d": quando})
    _avvisa(conviventi, AvvisoCartella.Tipo.NUCLEO,
            _("Variazione del nucleo familiare: %(who)s è deceduto/a il %(d)s.")
            % {"who": persona.nome_completo, "d": quando})
    return True


def _emigrazione(ctx: Contesto, lotto: Lotto, persona: Persona, riga: RigaAnagrafe) -> bool:
    if persona.stato == Persona.Stato.EMIGRATA:
        return False
    if persona.stato == Persona.Stato.DECEDUTA:
        raise ValidationFailed(
            _("%(who)s risulta deceduto/a il %(d)s: non può essere emigrato/a.")
            % {"who": persona.nome_completo, "d": _gma(persona.data_decesso)}, field="stato")
    assert riga.data_evento is not None
    conviventi = _conviventi(persona, lotto.appartenenze.get(persona.pk))
    persona_emigrazione(actor=ctx.actor, persona=persona, data=riga.data_evento)
    quando = _gma(riga.data_evento)
    _avvisa([persona.pk], AvvisoCartella.Tipo.EMIGRAZIONE,
            _("L'anagrafe comunica che %(who)s è emigrato/a il %(d)s e non risiede più nel comune.")
            % {"who": persona.nome_completo, "d": quando})
    _avvisa(conviventi, AvvisoCartella.Tipo.NUCLEO,
            _("Variazione del nucleo familiare: %(who)s è emigrato/a il %(d)s.")
            % {"who": persona.nome_completo, "d": quando})
    return True


# --- notices for the social worker --------------------------------------------------------


def _conviventi(persona: Persona, membro: MembroNucleo | None) -> list[int]:
    if membro is None:
        return []
    return list(MembroNucleo.objects.filter(nucleo_id=membro.nucleo_id, al__isnull=True)
                .exclude(persona=persona).values_list("persona_id", flat=True))


def _avvisa_cambio_nucleo(ctx: Contesto, persona: Persona, prima: MembroNucleo | None,
                          nucleo: Nucleo, dal: date) -> None:
    chi, quando = persona.nome_completo, _gma(dal)
    if prima is not None:
        vecchio = prima.nucleo.codice_anagrafe or str(prima.nucleo.public_id)[:8]
        _avvisa([persona.pk], AvvisoCartella.Tipo.NUCLEO,
                _("L'anagrafe comunica che %(who)s è passato/a dal nucleo familiare n. %(a)s al "
                  "nucleo n. %(b)s dal %(d)s.")
                % {"who": chi, "a": vecchio, "b": nucleo.codice_anagrafe, "d": quando})
        _avvisa(_conviventi(persona, prima), AvvisoCartella.Tipo.NUCLEO,
                _("Variazione del nucleo familiare n. %(a)s: %(who)s ne è uscito/a dal %(d)s.")
                % {"a": vecchio, "who": chi, "d": quando})
    if nucleo.codice_anagrafe not in ctx.nuclei_nuovi:
        membri = list(MembroNucleo.objects.filter(nucleo=nucleo, al__isnull=True)
                      .exclude(persona=persona).values_list("persona_id", flat=True))
        _avvisa(membri, AvvisoCartella.Tipo.NUCLEO,
                _("Variazione del nucleo familiare n. %(b)s: %(who)s vi è entrato/a dal %(d)s.")
                % {"b": nucleo.codice_anagrafe, "who": chi, "d": quando})


def _avvisa(persone: list[int], tipo: str, testo: str) -> None:
    """A notice on each open (or suspended) case file of these people. Closed or transferred
    case files are left alone."""
    if not persone:
        return
    cartelle = Cartella.objects.filter(persona_id__in=persone, sola_lettura=False).exclude(
        stato=Cartella.Stato.CHIUSA)
    for cartella in cartelle:
        avviso_crea(cartella=cartella, tipo=tipo, testo=testo, fonte=FONTE_AVVISI)
