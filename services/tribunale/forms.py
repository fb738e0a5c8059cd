"""Forms of the Tribunale per i minorenni pages. They shape input; the rules are in the
services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from services.anagrafica.models import Persona
from services.cartella.documenti import ACCEPT
from services.cartella.forms import DateInput, _date, _text, _with_blank

from .models import DocumentoProcedimento, ProblematicaFamiliare, Procedimento, Udienza


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def _operatori_choices(membri: list) -> list[tuple[str, str]]:
    return [(str(m.user_id), f"{m.user.get_full_name() or m.user.email} "
             f"({m.get_role_display()})") for m in membri]


class ProcedimentoForm(forms.Form):
    numero_rg = forms.CharField(label=_("Numero di ruolo (R.G.)"), max_length=40)
    tribunale = forms.CharField(label=_("Tribunale"), max_length=200,
                                help_text=_("Proposto dalle impostazioni dell'ente."))
    tipo = forms.ChoiceField(label=_("Tipo di procedimento"),
                             choices=_with_blank(Procedimento.Tipo.choices))
    ricevuto_il = _date(_("Ricevuto il"))
    decreto_numero = forms.CharField(label=_("Numero del decreto"), max_length=40,
                                     required=False)
    decreto_data = forms.DateField(label=_("Data del decreto"), required=False,
                                   widget=DateInput())
    decreto_sintesi = _text(_("Contenuto del decreto (sintesi)"), rows=4, required=False)
    minori = forms.CharField(
        label=_("Codici fiscali dei minori coinvolti"),
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        help_text=_("Uno per riga. I minori devono essere registrati in anagrafica."))
    operatori = forms.MultipleChoiceField(label=_("Assistenti sociali incaricati"),
                                          widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args: Any, membri: list | None = None, **kwargs: Any) -> None:
        from .selectors import tribunale_predefinito

        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["operatori"]).choices = \
            _operatori_choices(membri or [])
        self.fields["tribunale"].initial = tribunale_predefinito()


    def clean_minori(self) -> list[Persona]:
        codici = [c.strip().upper() for c in self.cleaned_data["minori"].split()
                  if c.strip()]
        trovati = {p.codice_fiscale: p for p in Persona.objects.filter(
            codice_fiscale__in=codici, unita_in__isnull=True)}
        mancanti = [c for c in codici if c not in trovati]
        if mancanti:
            raise forms.ValidationError(
                _("Non in anagrafica: %(codici)s. Registra prima la persona.")
                % {"codici": ", ".join(mancanti)})
        return [trovati[c] for c in dict.fromkeys(codici)]

    def clean_operatori(self) -> list[int]:
        return [int(v) for v in self.cleaned_data["operatori"]]


class DecretoForm(forms.Form):
    decreto_numero = forms.CharField(label=_("Numero del decreto"), max_length=40,
                                     required=False)
    decreto_data = forms.DateField(label=_("Data del decreto"), required=False,
                                   widget=DateInput())
    decreto_sintesi = _text(_("Contenuto del decreto (sintesi)"), rows=4, required=False)


class UdienzaForm(forms.Form):
    inizio = forms.DateTimeField(label=_("Data e ora"), widget=DateTimeInput(),
                                 input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M",
                                                "%d/%m/%Y %H:%M"])
    luogo = forms.CharField(label=_("Luogo"), max_length=200)
    giudice = forms.CharField(label=_("Giudice"), max_length=200, required=False)
    operatori = forms.MultipleChoiceField(label=_("Operatori convocati"),
                                          widget=forms.CheckboxSelectMultiple, required=False)
    persone = forms.MultipleChoiceField(label=_("Persone convocate"),
                                        widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args: Any, membri: list | None = None, persone: list | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["operatori"]).choices = \
            _operatori_choices(membri or [])
        self.persone_per_id = {str(p.public_id): p for p in (persone or [])}
        cast(forms.MultipleChoiceField, self.fields["persone"]).choices = [
            (key, p.nome_completo) for key, p in self.persone_per_id.items()]

    def clean_operatori(self) -> list[int]:
        return [int(v) for v in self.cleaned_data["operatori"]]

    def clean_persone(self) -> list[Persona]:
        return [self.persone_per_id[v] for v in self.cleaned_data["persone"]]


class EsitoForm(forms.Form):
    stato = forms.ChoiceField(label=_("Esito"), choices=_with_blank(
        [c for c in Udienza.Stato.choices if c[0] != Udienza.Stato.FISSATA]))
    esito = _text(_("Esito e note"), rows=3, required=False)


class ProblematicaForm(forms.Form):
    categoria = forms.ChoiceField(label=_("Problematica"),
                                  choices=_with_blank(ProblematicaFamiliare.Categoria.choices))
    descrizione = _text(_("Descrizione"), rows=3, required=False)
    rilevata_il = _date(_("Rilevata il"))


class DocumentoForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, JPEG, PNG, ODT o DOCX, al massimo 20 MB)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    tipo = forms.ChoiceField(label=_("Tipo di documento"),
                             choices=_with_blank(DocumentoProcedimento.Tipo.choices))
    data = _date(_("Data del documento"))  # type: ignore[assignment]  # a field, not BaseForm.data
    descrizione = forms.CharField(label=_("Descrizione"), required=False, max_length=300)


class OperatoreForm(forms.Form):
    user_id = forms.TypedChoiceField(label=_("Assistente sociale"), coerce=int)

    def __init__(self, *args: Any, membri: list | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["user_id"]).choices = _with_blank(
            _operatori_choices(membri or []))


class InterventoForm(forms.Form):
    intervento = forms.ChoiceField(label=_("Intervento del minore"))

    def __init__(self, *args: Any, interventi: list | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.interventi = {str(i.public_id): i for i in (interventi or [])}
        cast(forms.ChoiceField, self.fields["intervento"]).choices = _with_blank(
            [(k, f"{i.servizio} — {i.persona.nome_completo} ({i.get_stato_display()})")
             for k, i in self.interventi.items()])

    def clean_intervento(self) -> Any:
        return self.interventi.get(self.cleaned_data["intervento"])


class ChiusuraForm(forms.Form):
    data = _date(_("Chiuso il"))  # type: ignore[assignment]  # a field, not BaseForm.data
    motivo = _text(_("Motivo"), rows=2)


class FiltroForm(forms.Form):
    q = forms.CharField(label=_("R.G., minore"), required=False, max_length=100)
    stato = forms.ChoiceField(label=_("Stato"), required=False,
                              choices=_with_blank(Procedimento.Stato.choices, _("Tutti")))


class ImpostazioniForm(forms.Form):
    tribunale_predefinito = forms.CharField(
        label=_("Tribunale per i minorenni dei procedimenti dell'ente"), max_length=200,
        required=False,
        help_text=_("Proposto quando si registra un nuovo procedimento. Vuoto: quello della "
                    "regione, se la regione ne ha uno solo."))
