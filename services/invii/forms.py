from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from services.trasferimenti.models import Trasferimento

from .models import TipoServizioSpecialistico


class InvioForm(forms.Form):
    """The destination is "c:<public_id>" for a team of the comune, "z:<public_id>" for a
    service of the zone office."""

    destinazione = forms.ChoiceField(label=_("Servizio"))
    quesito = forms.CharField(label=_("Quesito per il servizio"),
                              widget=forms.Textarea(attrs={"rows": 3}))
    consenso_data = forms.DateField(
        label=_("Consenso all'invio raccolto il"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Obbligatorio per i servizi dell'ambito: i dati escono dal comune."))
    consenso_modalita = forms.ChoiceField(
        label=_("Modalità del consenso"), required=False,
        choices=[("", "—"), *Trasferimento.ModalitaConsenso.choices])

    def __init__(self, *args: Any, comunali: list, zonali: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list = [("", "—")]
        if comunali:
            choices.append((_("Servizi del comune"),
                            [(f"c:{s.public_id}", s.nome) for s in comunali]))
        if zonali:
            choices.append((_("Servizi dell'ambito"),
                            [(f"z:{s.public_id}", s.nome) for s in zonali]))
        self.fields["destinazione"].choices = choices  # type: ignore[attr-defined]


class ServizioForm(forms.Form):
    nome = forms.CharField(label=_("Nome"), max_length=150)
    tipo = forms.ChoiceField(label=_("Tipo"), choices=TipoServizioSpecialistico.choices)


class MembroForm(forms.Form):
    user = forms.TypedChoiceField(label=_("Operatore"), coerce=int)

    def __init__(self, *args: Any, colleghi: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (u.pk, u.get_full_name() or u.email) for u in colleghi]


class TestoForm(forms.Form):
    testo = forms.CharField(label=_("Testo"), widget=forms.Textarea(attrs={"rows": 3}))


class EsitoZonaleForm(forms.Form):
    esito = forms.ChoiceField(label=_("Esito"), choices=[
        ("accolta", _("Prendi in carico")), ("respinta", _("Non accogliere")),
        ("conclusa", _("Rispondi e chiudi"))])
    testo = forms.CharField(label=_("Risposta o motivazione per il comune"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
