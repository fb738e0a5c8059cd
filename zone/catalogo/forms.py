from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from services.core.forms import EuroField
from services.interventi.models import Carattere, TipoIntervento

from .models import AreaTarget, CodicePrestazione, Edizione, VoceListino, VoceNomenclatore


class EdizioneForm(forms.Form):
    tipo = forms.ChoiceField(label=_("Elenco"), choices=Edizione.Tipo.choices)
    codice = forms.CharField(label=_("Codice dell'edizione"), max_length=40,
                             help_text=_("Per esempio: inps-2027-01."))
    titolo = forms.CharField(label=_("Titolo"), max_length=200, required=False)
    fonte = forms.CharField(label=_("Fonte"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}),
                            help_text=_("Da dove viene l'elenco (atto, pagina, data)."))
    in_vigore_dal = forms.DateField(label=_("In vigore dal"),
                                    widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(
        label=_("File CSV"),
        help_text=_("Colonne: code, name, macro_area, description (e area_target per il "
                    "nomenclatore). Separatore virgola o punto e virgola, codifica UTF-8."),
    )


class CatalogoFiltroForm(forms.Form):
    tipo = forms.ChoiceField(label=_("Elenco"), choices=Edizione.Tipo.choices, required=False)
    q = forms.CharField(label=_("Codice o denominazione"), required=False)
    in_vigore = forms.BooleanField(label=_("Solo codici in vigore"), required=False)


class VoceListinoForm(forms.ModelForm):
    tipo = forms.ChoiceField(label=_("Tipo"), choices=TipoIntervento.choices)
    carattere = forms.ChoiceField(label=_("Carattere"), choices=Carattere.choices)
    area_target = forms.ChoiceField(label=_("Area target"), choices=AreaTarget.choices)

    class Meta:
        model = VoceListino
        fields = ["nome", "tipo", "codice_prestazione", "voce_nomenclatore", "area_target",
                  "carattere", "tariffa", "unita_tariffa", "descrizione", "attivo"]
        widgets = {"descrizione": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"tariffa": EuroField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        keep = instance.codice_prestazione_id if instance.pk else None
        self.fields["codice_prestazione"].queryset = CodicePrestazione.objects.filter(
            ritirato_in__isnull=True) | CodicePrestazione.objects.filter(pk=keep)
        self.fields["voce_nomenclatore"].queryset = VoceNomenclatore.objects.filter(
            ritirato_in__isnull=True)

    def _post_clean(self) -> None:  # the service validates and saves
        pass
