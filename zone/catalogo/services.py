"""Writes on the shared catalogue: loading an edition of a code list, and the zone's common
list of services (listino) with its adoption by a comune."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from services.core.audit import audit_log
from services.core.errors import AlreadyExists, NotAllowed, ValidationFailed

from . import tracciato
from .models import Adozione, CodicePrestazione, Edizione, VoceListino, VoceNomenclatore

if TYPE_CHECKING:
    from services.anagrafica.services import Actor
    from tenants.models import Comune, Zona


def validate(obj: Any, **kwargs: Any) -> None:
    """``full_clean`` with Django's error turned into the domain's: first message, its field."""
    try:
        obj.full_clean(**kwargs)
    except DjangoValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ValidationFailed(messages[0], field=None if field == "__all__" else field) from exc


def _audit(actor: Actor | None, action: str, obj: Any, payload: dict) -> None:
    audit_log(action=action, actor=actor.user if actor else None, obj=obj, payload=payload,
              ip_address=actor.ip_address if actor else None)


class FileNonValido(ValidationFailed):
    """The file has rows that cannot be loaded: nothing was loaded. ``scarti`` holds each
    rejected row with its reason."""

    def __init__(self, scarti: list[tracciato.Scarto]) -> None:
        self.scarti = scarti
        elenco = "; ".join(str(s) for s in scarti[:20])
        altri = len(scarti) - 20
        if altri > 0:
            elenco += " " + _("(e altre %(n)d righe)") % {"n": altri}
        super().__init__(
            _("Il file non è stato caricato, nessun dato è cambiato. Righe da correggere: %(e)s")
            % {"e": elenco},
            field="file",
        )


@dataclass
class Esito:
    edizione: Edizione
    creata: bool = False
    nuovi: list[str] = field(default_factory=list)
    modificati: list[str] = field(default_factory=list)
    ritirati: list[str] = field(default_factory=list)
    riattivati: list[str] = field(default_factory=list)
    invariati: int = 0

    @property
    def cambiato(self) -> bool:
        return bool(self.creata or self.nuovi or self.modificati or self.ritirati or self.riattivati)

    def __str__(self) -> str:
        return _(
            "Edizione %(e)s: %(n)d nuovi, %(m)d modificati, %(r)d ritirati, %(a)d tornati in "
            "vigore, %(i)d invariati."
        ) % {"e": self.edizione.codice, "n": len(self.nuovi), "m": len(self.modificati),
             "r": len(self.ritirati), "a": len(self.riattivati), "i": self.invariati}


_MODEL: dict[str, Any] = {
    Edizione.Tipo.INPS: CodicePrestazione,
    Edizione.Tipo.NOMENCLATORE: VoceNomenclatore,
}
_CAMPI: dict[str, tuple[str, ...]] = {
    Edizione.Tipo.INPS: ("nome", "macro_area", "descrizione"),
    Edizione.Tipo.NOMENCLATORE: ("nome", "macro_area", "descrizione", "area_target"),
}


def edizione_carica(
    *,
    tipo: str,
    codice: str,
    data: bytes | str,
    in_vigore_dal: datetime.date,
    titolo: str = "",
    fonte: str = "",
    actor: Actor | None = None,
) -> Esito:
    """Load one edition of a code list. Idempotent (loading the same file again changes
    nothing) and versioned: a code missing from the new edition is marked retired in it,
    never deleted, so past records stay valid; a code that comes back is in force again; a
    changed name is updated and logged. A file with any bad row changes nothing."""
    if tipo not in _MODEL:
        raise ValidationFailed(_("Elenco sconosciuto: %(t)s.") % {"t": tipo}, field="tipo")
    codice = (codice or "").strip()
    if not codice:
        raise ValidationFailed(_("Indica il codice dell'edizione."), field="codice")
    righe, scarti = tracciato.leggi(data, tipo)
    if scarti:
        raise FileNonValido(scarti)

    with transaction.atomic():
        edizioni = list(Edizione.objects.select_for_update().filter(tipo=tipo))
        esistente = next((e for e in edizioni if e.codice == codice), None)
        piu_recente = max(edizioni, key=lambda e: e.in_vigore_dal, default=None)
        if esistente is not None and esistente.in_vigore_dal != in_vigore_dal:
            raise ValidationFailed(
                _("L'edizione %(e)s è già caricata con data di entrata in vigore %(d)s.")
                % {"e": codice, "d": esistente.in_vigore_dal.strftime("%d/%m/%Y")},
                field="in_vigore_dal",
            )
        if piu_recente is not None and piu_recente != esistente and (
            piu_recente.in_vigore_dal >= in_vigore_dal
        ):
            raise ValidationFailed(
                _("È già caricata un'edizione più recente o della stessa data (%(e)s, in vigore "
                  "dal %(d)s): si possono caricare solo edizioni successive.")
                % {"e": piu_recente.codice, "d": piu_recente.in_vigore_dal.strftime("%d/%m/%Y")},
                field="in_vigore_dal",
            )
        if esistente is None:
            edizione = Edizione(tipo=tipo, codice=codice, titolo=titolo or codice, fonte=fonte,
                                in_vigore_dal=in_vigore_dal)
            validate(edizione)
            edizione.save()
            esito = Esito(edizione=edizione, creata=True)
        else:
            esito = Esito(edizione=esistente)
        _applica(esito, tipo, righe, actor=actor)
        if esito.cambiato:
            _audit(
                actor, "catalogo.edizione_caricata", esito.edizione,
                {"tipo": tipo, "edizione": codice, "nuovi": esito.nuovi,
                         "modificati": esito.modificati, "ritirati": esito.ritirati,
                         "riattivati": esito.riattivati},
            )
    return esito


def _applica(esito: Esito, tipo: str, righe: list[tracciato.Riga], *,
             actor: Actor | None) -> None:
    model = _MODEL[tipo]
    campi = _CAMPI[tipo]
    edizione = esito.edizione
    esistenti = {v.codice: v for v in model.objects.select_for_update()}
    nel_file = {r.codice for r in righe}
    for riga in righe:
        voce = esistenti.get(riga.codice)
        valori = {c: getattr(riga, c) for c in campi if getattr(riga, c) is not None}
        if voce is None:
            voce = model(codice=riga.codice, introdotto_in=edizione, **valori)
            validate(voce)
            voce.save()
            esito.nuovi.append(riga.codice)
            continue
        prima = {c: getattr(voce, c) for c, v in valori.items() if getattr(voce, c) != v}
        update = list(prima)
        for c in prima:
            setattr(voce, c, valori[c])
        if voce.ritirato_in_id is not None:
            voce.ritirato_in = None
            update.append("ritirato_in")
            esito.riattivati.append(riga.codice)
        if not update:
            esito.invariati += 1
            continue
        validate(voce)
        voce.save(update_fields=[*update, "updated_at"])
        if prima:
            esito.modificati.append(riga.codice)
            _audit(
                actor, "catalogo.voce_modificata", voce,
                {"edizione": edizione.codice, "prima": prima,
                         "dopo": {c: getattr(voce, c) for c in prima}},
            )
    for codice, voce in esistenti.items():
        if codice not in nel_file and voce.ritirato_in_id is None:
            voce.ritirato_in = edizione
            voce.save(update_fields=["ritirato_in", "updated_at"])
            esito.ritirati.append(codice)


# --- Listino dell'ambito ---------------------------------------------------------------

LISTINO_CAMPI = ("nome", "tipo", "codice_prestazione", "voce_nomenclatore", "area_target",
                 "carattere", "tariffa", "unita_tariffa", "descrizione", "attivo")


def _check_listino(voce: VoceListino) -> None:
    from services.interventi.models import Carattere, TipoIntervento

    if voce.tipo not in TipoIntervento.values:
        raise ValidationFailed(_("Tipo di servizio non valido."), field="tipo")
    if voce.carattere not in Carattere.values:
        raise ValidationFailed(_("Carattere non valido."), field="carattere")
    if voce.tariffa is not None and not voce.unita_tariffa:
        raise ValidationFailed(_("Indica l'unità della tariffa."), field="unita_tariffa")
    if voce.codice_prestazione is not None and not voce.codice_prestazione.attivo and (
        voce._state.adding or "codice_prestazione" in getattr(voce, "_cambiati", ())
    ):
        raise ValidationFailed(
            _("Il codice prestazione %(c)s è ritirato: scegline uno in vigore.")
            % {"c": voce.codice_prestazione.codice}, field="codice_prestazione",
        )
    validate(voce, validate_unique=False, validate_constraints=False)


def listino_voce_create(*, actor: Actor, zona: Zona, **dati: Any) -> VoceListino:
    voce = VoceListino(zona=zona, **{k: v for k, v in dati.items() if k in LISTINO_CAMPI})
    _check_listino(voce)
    if VoceListino.objects.filter(zona=zona, nome=voce.nome).exists():
        raise AlreadyExists(_("Il listino ha già un servizio con questo nome."), field="nome")
    with transaction.atomic():
        voce.save()
        _audit(actor, "listino.voce_creata", voce,
               {"nome": voce.nome, "tariffa": str(voce.tariffa or "")})
    return voce


def listino_voce_update(*, actor: Actor, voce: VoceListino, **dati: Any) -> VoceListino:
    cambiati = [k for k in LISTINO_CAMPI if k in dati and getattr(voce, k) != dati[k]]
    if not cambiati:
        return voce
    prima = {k: str(getattr(voce, k) or "") for k in cambiati}
    for k in cambiati:
        setattr(voce, k, dati[k])
    voce._cambiati = cambiati  # type: ignore[attr-defined]
    _check_listino(voce)
    if "nome" in cambiati and VoceListino.objects.filter(zona_id=voce.zona_id, nome=voce.nome
                                                          ).exclude(pk=voce.pk).exists():
        raise AlreadyExists(_("Il listino ha già un servizio con questo nome."), field="nome")
    with transaction.atomic():
        voce.save(update_fields=[*cambiati, "updated_at"])
        _audit(actor, "listino.voce_modificata", voce,
               {"prima": prima, "dopo": {k: str(getattr(voce, k) or "") for k in cambiati}})
    return voce


def listino_adotta(*, actor: Actor, voce: VoceListino, comune: Comune, nome: str = "") -> Adozione:
    """A comune adopts an entry of its zone's list: its own ``interventi.Servizio`` is
    created in the comune's schema (``adottato_da`` = the entry's public id) and an
    ``Adozione`` row in the public schema, in one transaction. ``nome`` lets the comune use
    its own name for the service (default: the entry's name)."""
    from services.interventi.models import Servizio

    if comune.zona_id != voce.zona_id:
        raise NotAllowed(_("La voce appartiene al listino di un altro ambito."))
    if not voce.attivo:
        raise ValidationFailed(_("Questa voce del listino non è più attiva."))
    if Adozione.objects.filter(voce=voce, comune=comune).exists():
        raise AlreadyExists(_("Il comune ha già adottato questo servizio del listino."))
    nome = (nome or voce.nome).strip()
    with transaction.atomic():
        with tenant_context(comune.ente):
            if Servizio.objects.filter(nome=nome).exists():
                raise AlreadyExists(
                    _("Il comune ha già un servizio chiamato «%(n)s»: indica un altro nome.")
                    % {"n": nome}, field="nome",
                )
            servizio = Servizio(
                nome=nome, tipo=voce.tipo, codice_prestazione_id=voce.codice_prestazione_id,
                voce_nomenclatore_id=voce.voce_nomenclatore_id, area_target=voce.area_target,
                carattere=voce.carattere, tariffa=voce.tariffa, unita_tariffa=voce.unita_tariffa,
                adottato_da=voce.public_id,
            )
            validate(servizio)
            servizio.save()
            _audit(actor, "servizio.adottato_dal_listino", servizio,
                   {"listino": str(voce.public_id), "nome": nome})
        try:
            with transaction.atomic():
                adozione = Adozione.objects.create(
                    voce=voce, comune=comune, servizio_id=servizio.public_id,
                    adottato_da_id=getattr(actor.user, "pk", None),
                    adottato_da_label=getattr(actor.user, "email", "") or str(actor.user or ""),
                )
        except IntegrityError as exc:
            raise AlreadyExists(_("Il comune ha già adottato questo servizio del listino.")) from exc
    return adozione


