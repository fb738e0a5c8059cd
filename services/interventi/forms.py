from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from services.core.forms import EuroField, QuantitaField
from services.determine.models import Determina
from zone.catalogo.models import AreaTarget, CodicePrestazione, VoceNomenclatore

from .models import Carattere, Intervento, ProvaMezzi, Servizio, TipoIntervento
from .services import campi_domanda_opzionali

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _money(label: Any, required: bool = False) -> EuroField:
    return EuroField(label=label, required=required)


class CatalogoChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.codice} — {obj.nome}" if obj.nome else obj.codice


class ServizioForm(forms.Form):
    nome = forms.CharField(label=_("Denominazione"), max_length=200)
    tipo = forms.ChoiceField(label=_("Tipo"), choices=TipoIntervento.choices)
    codice_prestazione = CatalogoChoice(
        label=_("Codice prestazione INPS"), required=False,
        queryset=CodicePrestazione.objects.filter(ritirato_in__isnull=True).order_by("codice"))
    voce_nomenclatore = CatalogoChoice(
        label=_("Voce del nomenclatore"), required=False,
        queryset=VoceNomenclatore.objects.filter(ritirato_in__isnull=True).order_by("codice"))
    area_target = forms.ChoiceField(label=_("Area target"), choices=AreaTarget.choices)
    carattere = forms.ChoiceField(label=_("Carattere"), choices=Carattere.choices)
    prova_mezzi = forms.TypedChoiceField(label=_("Prova dei mezzi"), choices=ProvaMezzi.choices,
                                         coerce=int, initial=ProvaMezzi.NESSUNA)
    soglia_isee = _money(_("Soglia ISEE (euro)"))
    tariffa = _money(_("Tariffa (euro)"))
    unita_tariffa = forms.ChoiceField(label=_("Unità della tariffa"), required=False,
                                      choices=[("", "—"), *Servizio.Unita.choices])
    soglia_conferma = EuroField(
        label=_("Importo oltre il quale si chiede conferma (euro)"), initial=Decimal("10000.00"),
        min_value=Decimal("0.01"), required=False,
        help_text=_("Proposte e domande di importo superiore vanno confermate esplicitamente."))
    richiede_decisione = forms.BooleanField(
        label=_("Le proposte richiedono la decisione del dirigente"), required=False, initial=True)
    campi_domanda = forms.MultipleChoiceField(
        label=_("Campi mostrati nella domanda rapida"), required=False,
        widget=forms.CheckboxSelectMultiple, choices=campi_domanda_opzionali)
    attivo = forms.BooleanField(label=_("Servizio attivo"), required=False, initial=True)

    @classmethod
    def from_servizio(cls, servizio: Servizio, data: Any = None) -> ServizioForm:
        initial = {name: getattr(servizio, name) for name in cls.base_fields}
        return cls(data, initial=initial)


class InterventoFiltroForm(forms.Form):
    stato = forms.ChoiceField(label=_("Stato"), required=False,
                              choices=[("", _("Tutti")), *Intervento.Stato.choices])
    servizio = forms.ModelChoiceField(label=_("Servizio"), required=False,
                                      queryset=Servizio.objects.order_by("nome"),
                                      to_field_name="public_id", empty_label=_("Tutti"))
    anno = forms.IntegerField(label=_("Anno"), required=False, min_value=2000, max_value=2100)
    persona = forms.CharField(label=_("Beneficiario"), required=False, max_length=100)


class InterventoForm(forms.Form):
    servizio = forms.ModelChoiceField(label=_("Servizio"), to_field_name="public_id",
                                      queryset=Servizio.objects.filter(attivo=True).order_by("nome"))
    carattere = forms.ChoiceField(label=_("Carattere"), required=False,
                                  choices=[("", _("Quello del servizio")), *Carattere.choices])
    data_inizio = forms.DateField(label=_("Data (una tantum) o data di inizio (periodica)"),
                                  required=False, widget=DATE)
    data_fine = forms.DateField(label=_("Data di fine"), required=False, widget=DATE)
    importo_mensile = _money(_("Importo mensile (euro)"))
    importo_totale = _money(_("Importo totale (euro)"))
    quota_ente = _money(_("Quota a carico dell'ente"))
    quota_utente = _money(_("Quota a carico dell'utente"))
    quota_ssn = _money(_("Quota a carico del SSN"))
    ore_mensili = QuantitaField(label=_("Ore mensili"), required=False, max_digits=7)
    motivazione = forms.CharField(label=_("Motivazione della proposta"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    conferma_importo = forms.BooleanField(
        label=_("Confermo l'importo, anche se supera la soglia del servizio"), required=False)

    @classmethod
    def per_modifica(cls, intervento: Intervento, iniziali: dict[str, Any],
                     data: Any = None) -> InterventoForm:
        """The proposal form pre-filled with a proposal waiting for the decision; its service
        is shown but stays (another service is another proposal)."""
        form = cls(data, initial={"servizio": intervento.servizio.public_id, **iniziali})
        servizio = form.fields["servizio"]
        servizio.queryset = Servizio.objects.filter(pk=intervento.servizio_id)
        servizio.disabled = True
        return form


class RitiraForm(forms.Form):
    motivo = forms.CharField(label=_("Motivo del ritiro"),
                             widget=forms.Textarea(attrs={"rows": 2}))


class DecisioneForm(forms.Form):
    decisione = forms.ChoiceField(choices=[("approva", _("Approva")), ("respingi", _("Respingi"))])
    motivazione = forms.CharField(label=_("Motivazione"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))


class ConcludiForm(forms.Form):
    data_fine = forms.DateField(label=_("Data di conclusione"), widget=DATE)
    motivo = forms.CharField(label=_("Motivo"), widget=forms.Textarea(attrs={"rows": 2}))


class AnnullaForm(forms.Form):
    motivo = forms.CharField(label=_("Motivo dell'annullamento"),
                             widget=forms.Textarea(attrs={"rows": 2}))


class DeterminaChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.riferimento} — {obj.oggetto}"[:120]


class AssegnaDeterminaForm(forms.Form):
    determina = DeterminaChoice(
        label=_("Determina"), required=False, to_field_name="public_id", empty_label=_("Nessuna"),
        queryset=Determina.objects.filter(stato=Determina.Stato.ESECUTIVA).order_by(
            "-esercizio", "-data_adozione"))
