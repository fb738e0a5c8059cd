"""Plain forms: they read the input; the rules are in the services."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ObiettivoPAI

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: Any, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE, help_text=help_text)


class PAIForm(forms.Form):
    data_inizio = _date(_("Inizio del PAI"))
    data_fine_prevista = _date(_("Fine prevista"), required=False)
    sintesi_bisogno = forms.CharField(
        label=_("Sintesi del bisogno"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("La situazione e il bisogno a cui il piano risponde."))


class ObiettivoForm(forms.Form):
    descrizione = forms.CharField(label=_("Obiettivo"), widget=forms.Textarea(attrs={"rows": 2}))
    indicatore = forms.CharField(label=_("Indicatore di risultato"), required=False,
                                 max_length=300,
                                 help_text=_("Come si capirà che l'obiettivo è raggiunto."))


class InterventoForm(forms.Form):
    descrizione = forms.CharField(label=_("Intervento"), max_length=300)
    area = forms.CharField(label=_("Area / servizio"), required=False, max_length=200)
    frequenza = forms.CharField(label=_("Frequenza"), required=False, max_length=100,
                                help_text=_("Per esempio: 2 accessi a settimana."))
    responsabile = forms.ChoiceField(label=_("Responsabile"), required=False)
    dal = _date(_("Dal"))
    al = _date(_("Al"), required=False)

    def __init__(self, *args: Any, operatori: Sequence[tuple[str, str]] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["responsabile"]).choices = [
            ("", _("— nessuno —")), *operatori]


class ResponsabileForm(forms.Form):
    user = forms.ChoiceField(label=_("Operatore"))
    ruolo = forms.CharField(label=_("Ruolo nel PAI"), required=False, max_length=100)

    def __init__(self, *args: Any, operatori: Sequence[tuple[str, str]] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["user"]).choices = [("", _("— scegli —")),
                                                                 *operatori]


class InvioForm(forms.Form):
    nota = forms.CharField(label=_("Nota per il dirigente"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ConclusioneForm(forms.Form):
    data = _date(_("Data di conclusione"))  # type: ignore[assignment]
    esito = forms.CharField(label=_("Esito finale"), widget=forms.Textarea(attrs={"rows": 3}))


class VerificaProgrammaForm(forms.Form):
    data_prevista = _date(_("Data della prossima verifica"))


class VerificaForm(forms.Form):
    """The outcome of a review, with one optional assessment per goal (``ob_<public_id>``)."""

    data_effettuata = _date(_("Data della verifica"))
    esito = forms.CharField(label=_("Esito della verifica"),
                            widget=forms.Textarea(attrs={"rows": 4}))
    prossima = _date(_("Prossima verifica"), required=False,
                     help_text=_("Se indicata, la prossima verifica entra in agenda."))

    def __init__(self, *args: Any, obiettivi: Sequence[ObiettivoPAI] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.obiettivi = list(obiettivi)
        choices = [("", _("— non valutato —")), *ObiettivoPAI.Esito.choices]
        for obiettivo in self.obiettivi:
            self.fields[f"ob_{obiettivo.public_id}"] = forms.ChoiceField(
                label=obiettivo.descrizione, choices=choices, required=False,
                initial=obiettivo.esito)

    def valutazioni(self) -> dict[str, str]:
        return {str(o.public_id): self.cleaned_data.get(f"ob_{o.public_id}") or ""
                for o in self.obiettivi}

    def obiettivo_fields(self) -> list:
        return [self[f"ob_{o.public_id}"] for o in self.obiettivi]


class ChiusuraRichiestaForm(forms.Form):
    data = _date(_("Data di chiusura proposta"))  # type: ignore[assignment]
    motivo = forms.CharField(label=_("Motivo della chiusura"),
                             widget=forms.Textarea(attrs={"rows": 3}))
    nota = forms.CharField(label=_("Nota per il dirigente"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class DecisioneForm(forms.Form):
    DECISIONI = (("approva", _("Approva")), ("respingi", _("Respingi")))

    decisione = forms.ChoiceField(label=_("Decisione"), choices=DECISIONI)
    motivazione = forms.CharField(label=_("Motivazione"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("Obbligatoria per respingere."))


class PeriodoForm(forms.Form):
    dal = _date(_("Dal"))
    al = _date(_("Al"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("dal") and data.get("al") and data["al"] < data["dal"]:
            self.add_error("al", _("La fine del periodo precede l'inizio."))
        return data
