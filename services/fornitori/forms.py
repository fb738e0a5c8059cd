"""Forms of the provider pages. They only shape input: the rules are in the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.core.forms import EuroField, QuantitaField
from services.determine.models import Determina
from services.interventi.models import Intervento, Servizio, TipoIntervento

from .models import Contratto, Fattura, Fornitore


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs={"class": "form-control", **(attrs or {})}, format="%Y-%m")


def date_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput(), **kwargs)


def month_field(label: Any, **kwargs: Any) -> forms.DateField:
    """A month as <input type="month"> (YYYY-MM), cleaned to its first day."""
    return forms.DateField(label=label, widget=MonthInput(), input_formats=["%Y-%m", "%Y-%m-%d"],
                           **kwargs)


def euro_field(label: Any, **kwargs: Any) -> EuroField:
    return EuroField(label=label, **kwargs)


def text_area(label: Any, *, required: bool = False, rows: int = 3) -> forms.CharField:
    return forms.CharField(label=label, required=required,
                           widget=forms.Textarea(attrs={"rows": rows, "class": "form-control"}))


class InterventoChoiceField(forms.ModelChoiceField):
    """Approved interventions by person and service (the queryset is set by the form)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Intervento.objects.none(), to_field_name="public_id", **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.persona.nome_completo} — {obj.servizio}"


class FornitoreForm(forms.Form):
    ragione_sociale = forms.CharField(label=_("Ragione sociale"), max_length=200)
    tipo = forms.ChoiceField(label=_("Tipo"), choices=Fornitore.Tipo.choices)
    codice_fiscale = forms.CharField(label=_("Codice fiscale"), max_length=16)
    partita_iva = forms.CharField(label=_("Partita IVA"), max_length=13, required=False)
    pec = forms.EmailField(label=_("PEC"), required=False)
    iban = forms.CharField(label=_("IBAN"), max_length=40, required=False)
    indirizzo = forms.CharField(label=_("Sede"), max_length=250, required=False)


class ContrattoForm(forms.Form):
    servizio = forms.ModelChoiceField(
        label=_("Servizio"), queryset=Servizio.objects.filter(
            # Only services the comune pays to a provider (PagatoA): the others are paid to
            # the person, so an invoice for them would pay a month twice.
            attivo=True, tipo__in=[TipoIntervento.DOMICILIARE, TipoIntervento.RICOVERO]))
    numero = forms.CharField(label=_("Numero del contratto / CIG"), max_length=40)
    dal = date_field(_("In vigore dal"))
    al = date_field(_("Fino al"))
    determina = forms.ModelChoiceField(
        label=_("Determina"), required=False,
        queryset=Determina.objects.filter(stato=Determina.Stato.ESECUTIVA))
    tariffa_oraria = euro_field(_("Tariffa oraria (€)"), required=False,
                                help_text=_("Per l'assistenza domiciliare."))
    tariffa_giornaliera = euro_field(_("Tariffa giornaliera per posto (€)"), required=False,
                                     help_text=_("Per i ricoveri in struttura."))
    ore_massime = QuantitaField(label=_("Ore massime"), required=False)
    posti_massimi = forms.IntegerField(label=_("Posti massimi"), required=False, min_value=1)
    importo_massimo = euro_field(_("Importo massimo del contratto (€)"))
    note = text_area(_("Note"))


class SceltaContrattoForm(forms.Form):
    contratto = forms.ModelChoiceField(
        label=_("Contratto"), to_field_name="public_id",
        queryset=Contratto.objects.select_related("fornitore").order_by("fornitore__ragione_sociale",
                                                                      "-dal"))


class FatturaForm(forms.Form):
    numero = forms.CharField(label=_("Numero della fattura"), max_length=40)
    data = date_field(_("Data della fattura"), initial=timezone.localdate)  # type: ignore[assignment]  # a field, not BaseForm.data
    competenza = month_field(_("Mese di competenza"))
    importo_totale = euro_field(_("Totale fatturato (€)"))
    note = text_area(_("Note"))


class RigheFatturaForm(forms.Form):
    """One row per person under the contract: days or hours, the rate printed on the
    invoice (optional) and the amount. Rows left empty are not invoiced."""

    def __init__(self, *args: Any, interventi: list[Intervento], unita: str,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.interventi = interventi
        for i in interventi:
            self.fields[f"q_{i.pk}"] = QuantitaField(label=unita, required=False)
            self.fields[f"t_{i.pk}"] = euro_field(_("Tariffa (€)"), required=False)
            self.fields[f"i_{i.pk}"] = euro_field(_("Importo (€)"), required=False)

    def rows(self) -> list[dict[str, Any]]:
        return [{"intervento": i, "q": self[f"q_{i.pk}"], "t": self[f"t_{i.pk}"],
                 "i": self[f"i_{i.pk}"]} for i in self.interventi]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in self.interventi:
            q, imp = data.get(f"q_{i.pk}"), data.get(f"i_{i.pk}")
            if (q is None) != (imp is None):
                self.add_error(f"i_{i.pk}" if imp is None else f"q_{i.pk}",
                               _("Indica sia la quantità sia l'importo, o lascia vuota la riga."))
        return data

    def valori(self) -> list[tuple[Intervento, Decimal, Decimal, Decimal | None]]:
        d = self.cleaned_data
        return [(i, d[f"q_{i.pk}"], d[f"i_{i.pk}"], d.get(f"t_{i.pk}")) for i in self.interventi
                if d.get(f"q_{i.pk}") is not None]


class MotivazioneForm(forms.Form):
    motivazione = text_area(_("Motivazione"), required=True)


class FattureFiltroForm(forms.Form):
    stato = forms.ChoiceField(
        label=_("Stato"), required=False,
        choices=[("", _("Da verificare")), ("tutte", _("Tutte")), *Fattura.Stato.choices])
    fornitore = forms.ModelChoiceField(label=_("Fornitore"), required=False,
                                       queryset=Fornitore.objects.all())
