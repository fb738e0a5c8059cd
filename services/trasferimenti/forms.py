from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.models import Comune

from .models import Trasferimento


class RichiestaForm(forms.Form):
    destinatario = forms.ModelChoiceField(
        label=_("Comune di destinazione"), queryset=Comune.objects.none(), to_field_name="istat_code")
    motivo = forms.CharField(label=_("Motivo"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Per esempio: cambio di residenza, dal …"))
    consenso_data = forms.DateField(label=_("Consenso al trasferimento raccolto il"),
                                    widget=forms.DateInput(attrs={"type": "date"}))
    consenso_modalita = forms.ChoiceField(label=_("Modalità del consenso"),
                                          choices=Trasferimento.ModalitaConsenso.choices)
    includi_riservate = forms.BooleanField(
        label=_("Trasferisci anche le note riservate del diario"), required=False,
        help_text=_("Vanno sempre diario, problematiche, documenti, PAI, movimenti e "
                    "condizioni; le note riservate solo se lo scegli."))

    def __init__(self, *args, exclude_ente_id: int, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["destinatario"].queryset = (
            Comune.objects.exclude(ente_id=exclude_ente_id).select_related("zona").order_by("name"))


class RespingiForm(forms.Form):
    motivazione = forms.CharField(label=_("Motivazione"), widget=forms.Textarea(attrs={"rows": 2}))
