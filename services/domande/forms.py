"""Forms of the application pages. Rules live in the service functions; the forms only parse
what the operator typed (with Italian messages when it cannot be parsed)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.core.forms import EuroField
from services.interventi.models import Servizio

from .models import Domanda

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DSU = ("dsu_protocollo", "dsu_anno", "dsu_data")
# The fields a service may ask for in its quick-entry form (Servizio.campi_domanda), in the
# order they are shown. The three DSU fields go together: naming one shows all three.
CAMPI_FACOLTATIVI = (*DSU, "isee_valore", "isee_tipo", "importo_richiesto", "oggetto", "note")
SEMPRE = ("numero_protocollo", "data_protocollo")


def campi_del_servizio(servizio: Servizio | None) -> list[str]:
    if servizio is None:
        return []
    chiesti = set(servizio.campi_domanda or [])
    if chiesti & set(DSU):
        chiesti |= set(DSU)
    return [c for c in CAMPI_FACOLTATIVI if c in chiesti]


def _date(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE, error_messages={
        "invalid": _("Data non valida: usa il formato gg/mm/aaaa."),
        "required": _("Indica la data.")}, **kwargs)


class DomandaDatiForm(forms.Form):
    """Protocol and the optional fields; subclasses add who and what."""

    numero_protocollo = forms.CharField(label=_("Numero di protocollo"), max_length=40,
                                        error_messages={"required": _("Indica il numero di protocollo.")})
    data_protocollo = _date(_("Data di protocollo"), initial=timezone.localdate)
    dsu_protocollo = forms.CharField(label=_("Protocollo DSU"), max_length=40, required=False,
                                     help_text=_("Formato INPS-ISEE-AAAA-XXXXXXXXX-XX"))
    dsu_anno = forms.IntegerField(label=_("Anno DSU"), required=False, min_value=2014,
                                  max_value=2100, error_messages={
                                      "invalid": _("L'anno DSU è un numero di 4 cifre."),
                                      "min_value": _("L'anno DSU non può precedere il 2014."),
                                      "max_value": _("L'anno DSU non è plausibile.")})
    dsu_data = _date(_("Data di presentazione DSU"), required=False)
    isee_valore = EuroField(label=_("Valore ISEE (€)"), required=False, min_value=None,
                            error_messages={
                                "invalid": _("Il valore ISEE non è un importo valido."),
                                "max_decimal_places": _("Al massimo due decimali."),
                                "max_digits": _("Il valore ISEE è troppo alto.")})
    isee_tipo = forms.ChoiceField(label=_("Tipo di ISEE"), required=False,
                                  choices=[("", "—"), *Domanda.TipoIsee.choices])
    importo_richiesto = EuroField(label=_("Importo richiesto (€)"), required=False,
                                  min_value=None)
    conferma_importo = forms.BooleanField(
        label=_("Confermo l'importo richiesto, anche se supera la soglia del servizio"),
        required=False)
    oggetto = forms.CharField(label=_("Oggetto"), max_length=300, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def limita(self, campi: list[str]) -> None:
        for name in CAMPI_FACOLTATIVI:
            if name not in campi:
                self.fields.pop(name, None)
        if "importo_richiesto" not in self.fields:
            self.fields.pop("conferma_importo", None)

    @property
    def campi_facoltativi(self) -> list[forms.BoundField]:
        return [self[n] for n in (*CAMPI_FACOLTATIVI, "conferma_importo") if n in self.fields]


class DomandaNewForm(DomandaDatiForm):
    persona = forms.UUIDField(label=_("Richiedente"), widget=forms.HiddenInput,
                              error_messages={"required": _("Scegli il richiedente dall'anagrafica."),
                                              "invalid": _("Scegli il richiedente dall'anagrafica.")})
    servizio = forms.ModelChoiceField(
        label=_("Servizio richiesto"), queryset=Servizio.objects.none(),
        error_messages={"required": _("Scegli il servizio richiesto."),
                        "invalid_choice": _("Il servizio scelto non è tra quelli attivi.")})

    def __init__(self, *args: Any, servizi: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["servizio"].queryset = (servizi if servizi is not None
                                            else Servizio.objects.filter(attivo=True))
        self.fields["servizio"].widget.attrs.update({
            "hx-get": "", "hx-target": "#campi-servizio", "hx-trigger": "change",
            "hx-select": "#campi-servizio", "hx-swap": "outerHTML",
        })
        self.order_fields(["persona", "servizio", *SEMPRE, *CAMPI_FACOLTATIVI])


class DomandaEditForm(DomandaDatiForm):
    pass


class EsitoForm(forms.Form):
    esito = forms.ChoiceField(label=_("Esito"), choices=[
        (Domanda.Stato.ACCOLTA, _("Accolta")), (Domanda.Stato.RESPINTA, _("Respinta")),
        (Domanda.Stato.ARCHIVIATA, _("Archiviata"))],
        error_messages={"required": _("Scegli l'esito."),
                        "invalid_choice": _("Scegli l'esito: accolta, respinta o archiviata.")})
    data = _date(_("Data dell'esito"), initial=timezone.localdate)
    motivazione = forms.CharField(label=_("Motivazione"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class FiltroForm(forms.Form):
    q = forms.CharField(label=_("Protocollo, nome o codice fiscale"), required=False)
    stato = forms.ChoiceField(label=_("Stato"), required=False, choices=[
        ("", _("Tutti")), ("aperte", _("Aperte (non chiuse)")), *Domanda.Stato.choices])
    servizio = forms.ModelChoiceField(label=_("Servizio"), required=False,
                                      queryset=Servizio.objects.all(), empty_label=_("Tutti"))
    assegnata_a = forms.TypedChoiceField(label=_("Assegnata a"), required=False, coerce=int,
                                         empty_value=None)
    anno = forms.IntegerField(label=_("Anno"), required=False, min_value=1990, max_value=2100)

    def __init__(self, *args: Any, operatori: list[tuple[int, str]] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assegnata_a"].choices = [("", _("Chiunque")), (0, _("Non assegnate")),
                                              *(operatori or [])]


class AssegnaForm(forms.Form):
    domande = forms.ModelMultipleChoiceField(
        label=_("Domande"), queryset=Domanda.objects.none(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Seleziona almeno una domanda da assegnare."),
                        "invalid_choice": _("Una delle domande scelte non è più da assegnare."),
                        "invalid_pk_value": _("Una delle domande scelte non è valida.")})
    operatore = forms.TypedChoiceField(label=_("Assegna a"), coerce=int, error_messages={
        "required": _("Scegli l'assistente sociale."),
        "invalid_choice": _("L'operatore scelto non è un assistente sociale abilitato in "
                            "questo comune.")})

    def __init__(self, *args: Any, domande: Any, operatori: list[tuple[int, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domande"].queryset = domande
        self.fields["domande"].to_field_name = "public_id"
        self.fields["operatore"].choices = [("", "—"), *operatori]


class RiassegnaForm(forms.Form):
    operatore = forms.TypedChoiceField(label=_("Nuovo assistente sociale"), coerce=int,
                                       error_messages={
                                           "required": _("Scegli l'assistente sociale."),
                                           "invalid_choice": _("L'operatore scelto non è un "
                                                               "assistente sociale abilitato in "
                                                               "questo comune.")})
    motivo = forms.CharField(label=_("Motivo"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Indica il motivo della "
                                                           "riassegnazione.")})

    def __init__(self, *args: Any, operatori: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["operatore"].choices = [("", "—"), *operatori]


class ImportProtocolloForm(forms.Form):
    file = forms.FileField(
        label=_("File esportato dal protocollo (CSV o XML)"),
        help_text=_("CSV UTF-8 con colonne separate da punto e virgola e la riga di "
                    "intestazione, oppure XML con un elemento «domanda» per ogni domanda; date nel "
                    "formato gg/mm/aaaa; al massimo 20 MB."),
        widget=forms.FileInput(attrs={"accept": ".csv,.xml,text/csv,text/xml,application/xml"}),
        error_messages={"required": _("Scegli il file da importare."),
                        "empty": _("Il file è vuoto.")},
    )
