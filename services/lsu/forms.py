"""Forms of the LSU pages. They shape input; the rules are in the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from services.anagrafica.models import Persona
from services.cartella.forms import DateInput, _date, _text, _with_blank
from services.core.forms import EuroField, QuantitaField
from services.determine.models import Determina
from services.interventi.models import Servizio, TipoIntervento

from .models import Dichiarazione, Progetto


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m")


def _ore(label: Any, **kwargs: Any) -> QuantitaField:
    kwargs.setdefault("min_value", None)  # the services refuse zero or less with their message
    return QuantitaField(label=label, max_digits=6, **kwargs)


class PersonaField(forms.CharField):
    """A person of the registry, by codice fiscale."""

    def clean(self, value: Any) -> Persona | None:  # type: ignore[override]
        code = (super().clean(value) or "").strip().upper()
        if not code:
            return None
        persona = Persona.objects.filter(codice_fiscale=code, unita_in__isnull=True).first()
        if persona is None:
            raise forms.ValidationError(_("Nessuna persona in anagrafica con questo codice "
                                          "fiscale: registrala prima."))
        return persona


class ProgettoForm(forms.Form):
    nome = forms.CharField(label=_("Nome del progetto"), max_length=200)
    settore = forms.CharField(label=_("Settore / ufficio utilizzatore"), max_length=200,
                              required=False)
    descrizione = _text(_("Descrizione"), rows=2, required=False)
    data_inizio = _date(_("Inizio"))
    data_fine = forms.DateField(label=_("Fine"), required=False, widget=DateInput())
    posti = forms.IntegerField(label=_("Posti"), required=False, min_value=1)


class DichiarazioneForm(forms.Form):
    persona = PersonaField(label=_("Codice fiscale della persona"), max_length=16)
    data = _date(_("Data della dichiarazione"))  # type: ignore[assignment]  # a field
    disponibilita = forms.ChoiceField(label=_("Disponibilità"),
                                      choices=_with_blank(Dichiarazione.Disponibilita.choices))
    ore_settimanali = _ore(_("Ore settimanali disponibili"), required=False)
    competenze = _text(_("Competenze ed esperienze"), rows=3, required=False)
    patente = forms.BooleanField(label=_("Ha la patente di guida"), required=False)
    note = _text(_("Note"), rows=2, required=False)


class EstrazioneForm(forms.Form):
    disponibilita = forms.ChoiceField(label=_("Disponibilità"), required=False,
                                      choices=_with_blank(Dichiarazione.Disponibilita.choices,
                                                          _("Qualsiasi")))
    competenze = forms.CharField(label=_("Competenze (parole)"), required=False, max_length=100)
    ore_minime = _ore(_("Ore settimanali almeno"), required=False, min_value=Decimal("0"))
    patente = forms.BooleanField(label=_("Con patente"), required=False)
    libere_dal = forms.DateField(label=_("Senza contratti dal"), required=False,
                                 widget=DateInput())
    libere_al = forms.DateField(label=_("al"), required=False, widget=DateInput())


class ContrattoForm(forms.Form):
    persona = PersonaField(label=_("Codice fiscale della persona"), max_length=16)
    progetto = forms.ModelChoiceField(label=_("Progetto"), queryset=Progetto.objects.none())
    servizio = forms.ModelChoiceField(label=_("Servizio"), queryset=Servizio.objects.none(),
                                      help_text=_("Il servizio LSU del comune: il contratto "
                                                  "diventa un intervento approvato."))
    data_inizio = _date(_("Dal"))
    data_fine = forms.DateField(label=_("Al"), widget=DateInput())
    ore_settimanali = _ore(_("Ore settimanali"))
    compenso_orario = EuroField(label=_("Compenso orario (€)"), max_digits=8, min_value=None)
    determina = forms.ModelChoiceField(label=_("Determina di impegno"), required=False,
                                       queryset=Determina.objects.none())
    dichiarazione = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["progetto"].queryset = Progetto.objects.filter(attivo=True)  # type: ignore[attr-defined]
        self.fields["servizio"].queryset = Servizio.objects.filter(  # type: ignore[attr-defined]
            tipo=TipoIntervento.LSU, attivo=True)
        self.fields["determina"].queryset = Determina.objects.filter(  # type: ignore[attr-defined]
            stato=Determina.Stato.ESECUTIVA)

    def clean_dichiarazione(self) -> Dichiarazione | None:
        value = self.cleaned_data.get("dichiarazione")
        if not value:
            return None
        try:
            return Dichiarazione.objects.filter(public_id=value).first()
        except (ValueError, TypeError):
            return None


class CompensoForm(forms.Form):
    mese = forms.DateField(label=_("Mese"), widget=MonthInput(),
                           input_formats=["%Y-%m", "%Y-%m-%d", "%m/%Y"])
    ore = _ore(_("Ore lavorate"))


class ContrattoFiltroForm(forms.Form):
    q = forms.CharField(label=_("Cognome e nome"), required=False, max_length=100)
    progetto = forms.ModelChoiceField(label=_("Progetto"), required=False,
                                      queryset=Progetto.objects.all(),
                                      empty_label=_("Tutti"))
    in_corso = forms.BooleanField(label=_("Solo in corso oggi"), required=False)


class CessazioneForm(forms.Form):
    data = _date(_("Cessato il"))  # type: ignore[assignment]  # a field, not BaseForm.data
    motivo = _text(_("Motivo"), rows=2)
