from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from services.core.forms import EuroField
from zone.catalogo.models import AreaTarget, CodicePrestazione, VoceListino

from .models import FonteFinanziamento, Piano, VocePiano

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0")}


class PianoForm(forms.ModelForm):
    class Meta:
        model = Piano
        fields = ["titolo", "anno_inizio", "anno_fine", "stato", "atto_approvazione", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self) -> None:  # the service validates and saves
        pass


class FonteForm(forms.Form):
    tipo = forms.ChoiceField(label=_("Tipo di fonte"), choices=FonteFinanziamento.Tipo.choices)
    nome = forms.CharField(label=_("Denominazione"), max_length=200, required=False,
                           help_text=_("Per esempio «FNPS 2026» o «Fondo regionale minori»; "
                                       "vuoto: il nome del tipo."))
    riferimento = forms.CharField(label=_("Atto di riparto o riferimento"), max_length=200,
                                  required=False)


class VoceForm(forms.ModelForm):
    """A line and, one field per source of the plan, what that source puts on it."""

    area_target = forms.ChoiceField(label=_("Area target"), choices=AreaTarget.choices)

    class Meta:
        model = VocePiano
        fields = ["codice", "descrizione", "area_target", "codice_prestazione", "servizio"]

    def __init__(self, *args, piano: Piano, **kwargs):
        super().__init__(*args, **kwargs)
        keep = self.instance.codice_prestazione_id if self.instance.pk else None
        self.fields["codice_prestazione"].queryset = CodicePrestazione.objects.filter(
            ritirato_in__isnull=True) | CodicePrestazione.objects.filter(pk=keep)
        self.fields["servizio"].queryset = VoceListino.objects.filter(zona_id=piano.zona_id)
        self.fonti = list(piano.fonti.all())
        attuali = {}
        if self.instance.pk:
            attuali = {s.fonte_id: s.importo for s in self.instance.stanziamenti.all()}
        for fonte in self.fonti:
            self.fields[f"fonte_{fonte.pk}"] = EuroField(
                label=_("%(fonte)s (€)") % {"fonte": fonte.nome}, required=False,
                initial=attuali.get(fonte.pk), **MONEY)

    def importi(self) -> dict[FonteFinanziamento, Decimal]:
        return {f: self.cleaned_data.get(f"fonte_{f.pk}") or Decimal("0") for f in self.fonti}

    def dati(self) -> dict:
        return {k: self.cleaned_data[k] for k in self._meta.fields}

    def _post_clean(self) -> None:
        pass


class QuotaForm(forms.Form):
    voce = forms.ModelChoiceField(label=_("Voce"), queryset=VocePiano.objects.none())
    fonte = forms.ModelChoiceField(label=_("Fonte"), queryset=FonteFinanziamento.objects.none())
    comune = forms.ModelChoiceField(label=_("Comune"), queryset=None)
    contributo = EuroField(label=_("Quota versata dal comune (€)"), required=False, **MONEY)
    assegnato = EuroField(label=_("Quota assegnata al comune (€)"), required=False, **MONEY)

    def __init__(self, *args, piano: Piano, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["voce"].queryset = piano.voci.order_by("codice")
        self.fields["fonte"].queryset = piano.fonti.all()
        self.fields["comune"].queryset = piano.zona.comuni.order_by("name")


class EsercizioForm(forms.Form):
    esercizio = forms.TypedChoiceField(label=_("Esercizio"), coerce=int, required=False,
                                       empty_value=None)

    def __init__(self, *args, piano: Piano, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["esercizio"].choices = [("", _("Tutto il periodo"))] + [
            (a, str(a)) for a in range(piano.anno_inizio, piano.anno_fine + 1)]
