from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from services.core.forms import EuroField
from services.interventi.models import Servizio

from .liquidabili import Voce
from .models import ModalitaPagamento
from .selectors import voci_piano_del_comune

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DeterminaForm(forms.Form):
    numero = forms.CharField(label=_("Numero"), max_length=30, required=False,
                             help_text=_("Vuoto: il prossimo numero dell'esercizio."))
    data_adozione = forms.DateField(label=_("Data di adozione"), widget=DATE)
    esercizio = forms.IntegerField(label=_("Esercizio"), required=False, min_value=2000,
                                   max_value=2100, help_text=_("Vuoto: l'anno della data di adozione."))
    oggetto = forms.CharField(label=_("Oggetto"), max_length=500)
    capitolo = forms.CharField(label=_("Capitolo di bilancio"), max_length=30)
    articolo = forms.CharField(label=_("Articolo"), max_length=30, required=False)
    importo_impegnato = EuroField(label=_("Importo impegnato (euro)"), min_value=None)
    servizio = forms.ModelChoiceField(label=_("Servizio"), required=False,
                                      queryset=Servizio.objects.order_by("nome"),
                                      to_field_name="public_id", empty_label=_("Nessuno"))
    voce_piano = forms.ChoiceField(
        label=_("Voce del piano di zona"), required=False,
        help_text=_("Se la determina finanzia il piano di zona: la spesa entra nel rendiconto "
                    "dell'ambito."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["voce_piano"]).choices = [
            ("", _("Nessuna")),
            *((str(v.public_id), f"{v.piano.titolo} · {v.codice} {v.descrizione}"[:160])
              for v in voci_piano_del_comune())]


class ScegliDeterminaForm(forms.Form):
    determina = forms.ChoiceField(label=_("Determina"))

    def __init__(self, *args: Any, determine: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["determina"]).choices = [
            (str(d.public_id), f"{d.riferimento} — {d.oggetto} "
             f"({_('disponibili')} {d.disponibile} €)"[:160]) for d in determine]


def voce_key(v: Voce) -> str:
    return f"{v.oggetto_tipo}:{v.oggetto_id}"


class LiquidazioneForm(forms.Form):
    data_atto = forms.DateField(label=_("Data dell'atto"), widget=DATE)
    numero = forms.CharField(label=_("Numero"), max_length=30, required=False,
                             help_text=_("Vuoto: il prossimo numero dell'anno."))
    oggetti = forms.MultipleChoiceField(label=_("Da liquidare"),
                                        widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, voci: list[Voce] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["oggetti"]).choices = [(voce_key(v), f"{v.descrizione} — {v.importo} €")
                                          for v in voci]
        self.fields["oggetti"].error_messages["required"] = _("Scegli almeno un elemento da liquidare.")

    def coppie(self) -> list[tuple[str, int]]:
        out = []
        for key in self.cleaned_data["oggetti"]:
            tipo, _sep, oggetto_id = key.rpartition(":")
            out.append((tipo, int(oggetto_id)))
        return out


class AnnullaLiquidazioneForm(forms.Form):
    motivo = forms.CharField(label=_("Motivo dell'annullamento"),
                             widget=forms.Textarea(attrs={"rows": 2}))


class RettificaDeterminaForm(forms.Form):
    data_adozione = forms.DateField(label=_("Data di adozione"), widget=DATE)
    oggetto = forms.CharField(label=_("Oggetto"), max_length=500)
    capitolo = forms.CharField(label=_("Capitolo di bilancio"), max_length=30)
    articolo = forms.CharField(label=_("Articolo"), max_length=30, required=False)
    importo_impegnato = EuroField(label=_("Importo impegnato (euro)"), min_value=None)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    motivo = forms.CharField(label=_("Motivo della rettifica"),
                             widget=forms.Textarea(attrs={"rows": 2}))


class AnnullaDeterminaForm(forms.Form):
    motivo = forms.CharField(label=_("Motivo dell'annullamento"),
                             widget=forms.Textarea(attrs={"rows": 2}))


class ModalitaPagamentoForm(forms.Form):
    tipo = forms.ChoiceField(label=_("Modalità"), choices=ModalitaPagamento.Tipo.choices)
    iban = forms.CharField(label=_("IBAN"), max_length=42, required=False,
                           help_text=_("Per il bonifico: IBAN italiano di 27 caratteri."))
    intestatario = forms.CharField(label=_("Intestatario del conto"), max_length=200,
                                   required=False)
    delegato_cf = forms.CharField(label=_("Codice fiscale del delegato"), max_length=16,
                                  required=False,
                                  help_text=_("Per la riscossione da parte di un delegato."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
