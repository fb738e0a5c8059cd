"""Forms of the placement pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from services.fornitori.forms import (
    InterventoChoiceField,
    date_field,
    euro_field,
    month_field,
    text_area,
)
from services.fornitori.models import Contratto, Fornitore

from .models import Ricovero, Struttura


class StrutturaForm(forms.Form):
    fornitore = forms.ModelChoiceField(
        label=_("Gestore"), to_field_name="public_id",
        queryset=Fornitore.objects.filter(tipo=Fornitore.Tipo.STRUTTURA, attivo=True))
    nome = forms.CharField(label=_("Denominazione"), max_length=200)
    posti = forms.IntegerField(label=_("Posti autorizzati"), min_value=1)
    indirizzo = forms.CharField(label=_("Indirizzo"), max_length=250, required=False)


class AutorizzazioneForm(forms.Form):
    intervento = InterventoChoiceField(label=_("Intervento approvato"))
    struttura = forms.ModelChoiceField(label=_("Struttura"), to_field_name="public_id",
                                       queryset=Struttura.objects.filter(attiva=True))
    contratto = forms.ModelChoiceField(
        label=_("Contratto"), to_field_name="public_id",
        queryset=Contratto.objects.filter(tariffa_giornaliera__isnull=False)
        .select_related("fornitore"))
    dal = date_field(_("Ingresso dal"))
    tariffa_giornaliera = euro_field(_("Retta giornaliera (€)"), required=False,
                                     help_text=_("Vuota: quella del contratto."))
    quota_utente = euro_field(_("Quota giornaliera a carico dell'utente (€)"), initial=0)
    note = text_area(_("Note"))

    def __init__(self, *args: Any, interventi: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["intervento"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = interventi


class PresenzeForm(forms.Form):
    mese = month_field(_("Mese"))
    giorni = forms.IntegerField(label=_("Giorni di presenza"), min_value=0, max_value=31)


class DimissioneForm(forms.Form):
    al = date_field(_("Data di dimissione"))


class PresenzeMeseTestataForm(forms.Form):
    struttura = forms.ModelChoiceField(label=_("Struttura"), to_field_name="public_id",
                                       queryset=Struttura.objects.all())
    mese = month_field(_("Mese"))


class PresenzeMeseForm(forms.Form):
    """Days of presence per guest of the structure in the month."""

    def __init__(self, *args: Any, ospiti: list[Ricovero], iniziali: dict[int, int],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ospiti = ospiti
        for r in ospiti:
            self.fields[f"giorni_{r.pk}"] = forms.IntegerField(
                label=r.intervento.persona.nome_completo, required=False, min_value=0,
                max_value=31, initial=iniziali.get(r.pk))

    def giorni(self) -> dict[Ricovero, int | None]:
        return {r: self.cleaned_data.get(f"giorni_{r.pk}") for r in self.ospiti}
