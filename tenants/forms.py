from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Zona
from .models.geography import belfiore_validator, istat_comune_validator, slug_validator


class ComuneForm(forms.Form):
    istat_code = forms.CharField(label=_("Codice ISTAT"), max_length=6,
                                 validators=[istat_comune_validator],
                                 help_text=_("6 cifre, es. 001272"))
    name = forms.CharField(label=_("Nome del comune"), max_length=200)
    zona = forms.ModelChoiceField(label=_("Ambito"), queryset=Zona.objects.order_by("code"),
                                  to_field_name="code")
    slug = forms.CharField(label=_("Indirizzo"), max_length=40, required=False,
                           validators=[slug_validator],
                           help_text=_("Parte iniziale dell'indirizzo web; vuoto = dal nome"))
    belfiore_code = forms.CharField(label=_("Codice catastale"), max_length=4, required=False,
                                    validators=[belfiore_validator])
    provincia = forms.CharField(label=_("Sigla provincia"), max_length=2, required=False)
    population = forms.IntegerField(label=_("Abitanti"), min_value=0, required=False)
