"""Forms of the assegni pages; the rules are in services.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from services.core.forms import EuroField
from services.domande.forms import DomandaDatiForm, _date
from services.domande.models import Domanda
from services.interventi.models import Servizio, TipoIntervento

from .models import Assegno


def _importo(label: Any) -> EuroField:
    return EuroField(label=label, required=False, max_digits=10, min_value=None,
                     error_messages={"max_digits": _("L'importo è troppo alto."),
                                     "max_decimal_places": _("Al massimo due decimali.")})


class DatiAssegnoForm(forms.Form):
    figlio_cognome = forms.CharField(label=_("Cognome del figlio/a"), max_length=100, required=False)
    figlio_nome = forms.CharField(label=_("Nome del figlio/a"), max_length=100, required=False)
    figlio_data_nascita = _date(_("Data di nascita del figlio/a"), required=False)
    componenti_nucleo = forms.IntegerField(label=_("Componenti del nucleo"), required=False,
                                           min_value=1, max_value=30)
    figli_minori = forms.IntegerField(label=_("Figli minori nel nucleo"), required=False,
                                      min_value=0, max_value=30)
    periodo_dal = _date(_("Periodo dal"), required=False)
    periodo_al = _date(_("Periodo al"), required=False)
    importo_mensile = _importo(_("Importo mensile (€)"))
    importo_totale = _importo(_("Importo complessivo (€)"))
    trasmessa_inps_il = _date(_("Trasmessa all'INPS il"), required=False)


class AssegnoNewForm(DomandaDatiForm, DatiAssegnoForm):
    persona = forms.UUIDField(label=_("Richiedente"), widget=forms.HiddenInput,
                              error_messages={"required": _("Scegli il richiedente dall'anagrafica."),
                                              "invalid": _("Scegli il richiedente dall'anagrafica.")})
    servizio = forms.ModelChoiceField(
        label=_("Assegno"), queryset=Servizio.objects.none(),
        error_messages={"required": _("Scegli il servizio (assegno di maternità o al nucleo)."),
                        "invalid_choice": _("Il servizio scelto non è un assegno attivo.")})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["servizio"].queryset = Servizio.objects.filter(
            attivo=True, tipo__in=[TipoIntervento.MATERNITA, TipoIntervento.NUCLEO]).order_by("nome")
        for name in ("importo_richiesto", "oggetto", "trasmessa_inps_il"):
            self.fields.pop(name, None)


CAMPI_DSU = ("dsu_protocollo", "dsu_anno", "dsu_data", "isee_valore", "isee_tipo")


class AssegnoCompletaForm(DomandaDatiForm, DatiAssegnoForm):
    """The assegno's data for an application already registered without them, and its
    DSU/ISEE as the application has them, still editable while it is open."""

    def __init__(self, *args: Any, domanda: Domanda, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("numero_protocollo", "data_protocollo", "importo_richiesto", "oggetto",
                     "note"):
            self.fields.pop(name)
        if domanda.is_chiusa:
            for name in CAMPI_DSU:
                self.fields.pop(name)
        if domanda.stato != Domanda.Stato.ACCOLTA:
            self.fields.pop("trasmessa_inps_il")

    @property
    def ha_dsu(self) -> bool:
        return "dsu_protocollo" in self.fields


# What the applications' quick entry hands over when the service chosen is an assegno: the
# data typed there, kept in the session (not in the URL: ISEE and DSU are personal data).
BOZZA_SESSIONE = "assegni.bozza"
CAMPI_BOZZA = ("persona", "servizio", "numero_protocollo", "data_protocollo", "dsu_protocollo",
               "dsu_anno", "dsu_data", "isee_valore", "isee_tipo", "note")


def bozza_da(dati: Any) -> dict[str, str]:
    """The quick-entry fields the assegno form also has, as typed."""
    return {n: str(dati.get(n)).strip() for n in CAMPI_BOZZA if str(dati.get(n) or "").strip()}


class FiltroForm(forms.Form):
    tipo = forms.ChoiceField(label=_("Tipo"), required=False,
                             choices=[("", _("Tutti")), *Assegno.Tipo.choices])
    anno = forms.IntegerField(label=_("Anno"), required=False, min_value=1990, max_value=2100)
    stato = forms.ChoiceField(label=_("Esito"), required=False,
                              choices=[("", _("Tutti")), *Domanda.Stato.choices])
