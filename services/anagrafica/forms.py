from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CondizioneSociale, Indirizzo, MembroNucleo, Persona, Riferimento

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CodiceFiscaleField(forms.CharField):
    """A person's codice fiscale as typed or pasted: spaces around and inside are removed
    before any check, so the browser must not cut a pasted value at 16 characters (no
    ``maxlength`` on the input; the length is checked here, on the cleaned code)."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("label", _("Codice fiscale"))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false",
                                  "autocapitalize": "characters"})

    def to_python(self, value: object) -> str:
        from services.core.codice_fiscale import clean_codice_fiscale_input

        return clean_codice_fiscale_input(str(value) if value is not None else "")

    def validate(self, value: str) -> None:
        super().validate(value)
        if len(value) > 16:
            raise forms.ValidationError(
                _("Il codice fiscale di una persona ha 16 caratteri: «%(cf)s» ne ha %(n)s.")
                % {"cf": value, "n": len(value)})


class PersonaForm(forms.Form):
    cognome = forms.CharField(label=_("Cognome"), max_length=100)
    nome = forms.CharField(label=_("Nome"), max_length=100)
    sesso = forms.ChoiceField(label=_("Sesso"), choices=Persona.Sesso.choices,
                              widget=forms.RadioSelect)
    data_nascita = forms.DateField(label=_("Data di nascita"), widget=DATE)
    codice_fiscale = CodiceFiscaleField()
    luogo_nascita = forms.CharField(label=_("Luogo di nascita"), max_length=100, required=False,
                                    help_text=_("Ricavato dal codice fiscale se lasci vuoto"))
    cittadinanza = forms.CharField(label=_("Cittadinanza (codice ISO)"), max_length=3,
                                   initial="380", help_text=_("380 = Italia"))
    telefono = forms.CharField(label=_("Telefono"), max_length=30, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)


class PersonaNewForm(PersonaForm):
    via = forms.CharField(label=_("Residenza: indirizzo"), max_length=200, required=False)
    civico = forms.CharField(label=_("Civico"), max_length=20, required=False)
    cap = forms.CharField(label=_("CAP"), max_length=5, required=False)
    comune = forms.CharField(label=_("Comune di residenza"), max_length=100, required=False)
    residenza_dal = forms.DateField(label=_("Residente dal"), required=False, widget=DATE)
    conferma_omonimia = forms.BooleanField(
        label=_("Ho verificato: non è la persona già registrata con gli stessi dati"),
        required=False)

    def residenza(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("via"):
            return None
        return {"via": data["via"], "civico": data["civico"], "cap": data["cap"],
                "comune": data["comune"], "dal": data["residenza_dal"]}

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("via") and not (data.get("comune") and data.get("residenza_dal")):
            raise forms.ValidationError(
                _("Per la residenza indica anche il comune e la data di decorrenza."))
        return data


class IndirizzoForm(forms.Form):
    tipo = forms.ChoiceField(label=_("Tipo"), choices=Indirizzo.Tipo.choices)
    via = forms.CharField(label=_("Indirizzo"), max_length=200)
    civico = forms.CharField(label=_("Civico"), max_length=20, required=False)
    cap = forms.CharField(label=_("CAP"), max_length=5, required=False)
    comune = forms.CharField(label=_("Comune"), max_length=100)
    provincia = forms.CharField(label=_("Provincia"), max_length=2, required=False)
    dal = forms.DateField(label=_("Dal"), widget=DATE)


class CondizioneForm(forms.Form):
    ambito = forms.ChoiceField(label=_("Ambito"), choices=CondizioneSociale.Ambito.choices)
    valore = forms.CharField(label=_("Condizione"), max_length=200)
    rilevata_il = forms.DateField(label=_("Rilevata il"), widget=DATE)
    fonte = forms.ChoiceField(label=_("Fonte"), choices=CondizioneSociale.Fonte.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PersonaPickForm(forms.Form):
    """Pick another person of the registry by their identifier (from the search box)."""

    persona = forms.UUIDField(label=_("Persona"), widget=forms.HiddenInput)


class MembroForm(PersonaPickForm):
    relazione = forms.ChoiceField(label=_("Relazione con l'intestatario"),
                                  choices=MembroNucleo.Relazione.choices)
    dal = forms.DateField(label=_("Dal"), widget=DATE)


class NucleoForm(forms.Form):
    dal = forms.DateField(label=_("Intestatario dal"), widget=DATE)
    codice_anagrafe = forms.CharField(label=_("Numero di famiglia (anagrafe)"), max_length=30,
                                      required=False)


class RiferimentoForm(PersonaPickForm):
    tipo = forms.ChoiceField(label=_("Tipo"), choices=Riferimento.Tipo.choices)
    dal = forms.DateField(label=_("Dal"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class DataForm(forms.Form):
    data = forms.DateField(label=_("Data"), widget=DATE)
