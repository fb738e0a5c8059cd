"""The upload form of a register import. The file itself is judged by the service."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ImportAnagrafeForm(forms.Form):
    file = forms.FileField(
        label=_("File CSV esportato dall'anagrafe"),
        help_text=_("Formato CSV UTF-8, colonne separate da punto e virgola, con la riga di "
                    "intestazione; date nel formato gg/mm/aaaa; al massimo 50 MB."),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={"required": _("Scegli il file da importare."),
                        "empty": _("Il file è vuoto.")},
    )
