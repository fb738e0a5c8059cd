"""Forms of the home-care pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from services.core.forms import QuantitaField
from services.fornitori.forms import InterventoChoiceField, date_field, month_field, text_area
from services.fornitori.models import Contratto
from services.interventi.models import TipoIntervento

from .models import PianoDomiciliare


def _ore(label: Any, **kwargs: Any) -> QuantitaField:
    return QuantitaField(label=label, max_digits=7, **kwargs)


class MeseForm(forms.Form):
    mese = month_field(_("Mese"), required=False)


class PianoForm(forms.Form):
    intervento = InterventoChoiceField(label=_("Intervento approvato"))
    contratto = forms.ModelChoiceField(
        label=_("Contratto del fornitore"), to_field_name="public_id",
        queryset=Contratto.objects.filter(tariffa_oraria__isnull=False,
                                          servizio__tipo=TipoIntervento.DOMICILIARE)
        .select_related("fornitore"))
    ore_mensili = _ore(_("Ore previste al mese"))
    dal = date_field(_("Dal"))
    al = date_field(_("Al"), required=False)
    note = text_area(_("Note"))

    def __init__(self, *args: Any, interventi: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["intervento"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = interventi


class RendicontoTestataForm(forms.Form):
    contratto = forms.ModelChoiceField(
        label=_("Contratto"), to_field_name="public_id",
        queryset=Contratto.objects.filter(tariffa_oraria__isnull=False).select_related("fornitore"))
    mese = month_field(_("Mese"))


class RendicontoForm(forms.Form):
    """The statement's lines: hours worked per person with a plan running in the month."""

    ricevuto_il = date_field(_("Ricevuto il"))
    note = text_area(_("Note"))

    def __init__(self, *args: Any, piani: list[PianoDomiciliare], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.piani = piani
        for p in piani:
            self.fields[f"ore_{p.pk}"] = _ore(p.intervento.persona.nome_completo, required=False,
                                              help_text=_("Previste: %(o)s") % {"o": p.ore_mensili})

    def righe(self) -> list[dict[str, Any]]:
        return [{"piano": p, "field": self[f"ore_{p.pk}"]} for p in self.piani]

    def ore(self) -> dict[PianoDomiciliare, Decimal | None]:
        return {p: self.cleaned_data.get(f"ore_{p.pk}") for p in self.piani}
