"""The comune's services: what it offers, at which tariff, under which means test, and
which optional fields of the application its quick-entry form shows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from services.anagrafica.services import Actor
from services.core.errors import AlreadyExists, ValidationFailed
from services.domande.models import Domanda
from zone.catalogo.models import CodicePrestazione, VoceNomenclatore

from ..models import ProvaMezzi, Servizio
from .scritture import _audit, _clean

# Domanda fields the quick-entry form never offers: set by the workflow, not typed in.
_DOMANDA_NON_CAMPI = {"stato", "origine", "assegnata_a_id", "assegnata_a_label", "assegnata_il",
                      "dati", "esito_il", "motivazione_esito"}


def campi_domanda_opzionali() -> list[tuple[str, str]]:
    """The optional fields of a Domanda a service may show in the quick-entry form."""
    return [(f.name, str(f.verbose_name)) for f in Domanda._meta.concrete_fields
            if f.editable and f.blank and f.name not in _DOMANDA_NON_CAMPI
            and not f.name.endswith("_id")]


SERVIZIO_CAMPI = ("nome", "tipo", "codice_prestazione", "voce_nomenclatore", "area_target",
                  "carattere", "prova_mezzi", "soglia_isee", "tariffa", "unita_tariffa",
                  "soglia_conferma", "richiede_decisione", "campi_domanda", "attivo")


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
    if servizio.soglia_conferma is None or servizio.soglia_conferma <= 0:
        raise ValidationFailed(_("Indica l'importo oltre il quale si chiede conferma (maggiore "
                                 "di zero)."), field="soglia_conferma")
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
                    campi_domanda: list[str] | None = None, attivo: bool = True,
                    soglia_conferma: Decimal | None = None) -> Servizio:
    servizio = Servizio(
        nome=nome, tipo=tipo, area_target=area_target, carattere=carattere,
        prova_mezzi=prova_mezzi, codice_prestazione=codice_prestazione,
        voce_nomenclatore=voce_nomenclatore, soglia_isee=soglia_isee, tariffa=tariffa,
        unita_tariffa=unita_tariffa or "", richiede_decisione=richiede_decisione,
        campi_domanda=list(campi_domanda or []), attivo=attivo,
    )
    if soglia_conferma is not None:
        servizio.soglia_conferma = soglia_conferma
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
