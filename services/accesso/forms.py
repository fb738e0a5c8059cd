"""Forms of the segretariato pages. They read and check input; the services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.anagrafica.forms import CodiceFiscaleField
from services.anagrafica.models import Persona

from .models import AreaTarget, Consenso, Risorsa, SchedaAccesso, Sportello
from .services import CLOSING, NuovaPersona

T = SchedaAccesso.Interlocutore
SLOTS = ("utente", "interlocutore", "riferimento")
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"

# Which parts of the form apply to each kind of interlocutor (the page shows only these,
# and values left in hidden parts are dropped before the rules are applied).
_PERSONAL = {"utente", "riferimento", "presunto_pregiudizio", "servizio_richiesto"}
APPLIES: dict[str, set[str]] = {
    T.AUTORITA_GIUDIZIARIA: _PERSONAL | {"interlocutore_ente", "provvedimento_numero",
                                         "provvedimento_data", "testo_segnalazione",
                                         "consenso", "consenso_modalita"},
    T.PUBBLICO_UFFICIALE: _PERSONAL | {"interlocutore", "interlocutore_ente",
                                       "segnalazione_scritta", "testo_segnalazione",
                                       "consenso", "consenso_modalita"},
    T.UTENTE: _PERSONAL | {"consenso", "consenso_modalita"},
    T.LEGALE_RAPPRESENTANTE: _PERSONAL | {"interlocutore", "consenso", "consenso_modalita"},
    T.SEGNALANTE: _PERSONAL | {"interlocutore", "testo_segnalazione"},
    T.ANONIMO: set(),
}
OPTIONAL = ("interlocutore_ente", "provvedimento_numero", "provvedimento_data",
            "segnalazione_scritta", "testo_segnalazione", "consenso", "consenso_modalita",
            "presunto_pregiudizio", "servizio_richiesto")


def tipi_for(part: str) -> str:
    """Space-separated interlocutor types a part of the form applies to (for the page)."""
    return " ".join(t for t, parts in APPLIES.items() if part in parts)


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class _DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=DATETIME_FORMAT, **kwargs)


class NuovaPersonaForm(forms.Form):
    """A person not yet in the registry (minimal identity), one per slot (form prefix)."""

    cognome = forms.CharField(label=_("Cognome"), max_length=100, required=False)
    nome = forms.CharField(label=_("Nome"), max_length=100, required=False)
    sesso = forms.ChoiceField(label=_("Sesso"), required=False,
                              choices=[("", "—"), *Persona.Sesso.choices])
    data_nascita = forms.DateField(label=_("Data di nascita"), required=False,
                                   widget=_DateInput())
    codice_fiscale = CodiceFiscaleField()
    telefono = forms.CharField(label=_("Telefono"), max_length=30, required=False)
    conferma_omonimia = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def filled(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return any(data.get(f) for f in ("cognome", "nome", "data_nascita", "codice_fiscale"))

    def nuova_persona(self) -> NuovaPersona | None:
        if not self.filled():
            return None
        d = self.cleaned_data
        return NuovaPersona(cognome=d["cognome"], nome=d["nome"], sesso=d["sesso"],
                            data_nascita=d["data_nascita"], codice_fiscale=d["codice_fiscale"],
                            telefono=d["telefono"], conferma_omonimia=d["conferma_omonimia"])


class SchedaForm(forms.Form):
    data_contatto = forms.DateTimeField(label=_("Data e ora del contatto"), widget=_DateTimeInput(),
                               input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M",
                                              "%Y-%m-%d %H:%M:%S"])
    canale = forms.ChoiceField(label=_("Canale"), choices=SchedaAccesso.Canale.choices)
    interlocutore_tipo = forms.ChoiceField(label=_("Chi si è rivolto al servizio"),
                                           choices=T.choices, widget=forms.RadioSelect)
    utente_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    interlocutore_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    riferimento_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    interlocutore_ente = forms.CharField(
        label=_("Ente o ufficio dell'interlocutore"), max_length=200, required=False,
        help_text=_("Per esempio: Tribunale per i minorenni di Perugia, Istituto comprensivo, "
                    "Questura."))
    provvedimento_numero = forms.CharField(label=_("Numero del provvedimento"), max_length=50,
                                           required=False)
    provvedimento_data = forms.DateField(label=_("Data del provvedimento"), required=False,
                                         widget=_DateInput())
    segnalazione_scritta = forms.BooleanField(label=_("La segnalazione è pervenuta per iscritto"),
                                              required=False)
    testo_segnalazione = forms.CharField(label=_("Testo della segnalazione"), required=False,
                                         widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}))
    consenso = forms.ChoiceField(
        label=_("Consenso al trattamento dei dati personali"), required=False,
        widget=forms.RadioSelect,
        choices=[("", _("Non richiesto ora (vale quello già registrato)")),
                 (Consenso.Stato.CONCESSO, _("Concesso")),
                 (Consenso.Stato.NEGATO, _("Negato"))])
    consenso_modalita = forms.ChoiceField(label=_("Come è stato raccolto il consenso"),
                                          choices=Consenso.Modalita.choices, required=False)
    presunto_pregiudizio = forms.BooleanField(
        label=_("Notizia di reato, presunto rischio o pericolo per l'utente"), required=False,
        help_text=_("La scheda viene registrata con i dati dell'utente e chiusa come "
                    "segnalazione all'autorità giudiziaria."))
    bisogno_espresso = forms.CharField(label=_("Bisogno espresso"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}))
    servizio_richiesto = forms.CharField(label=_("Servizio richiesto"), max_length=200,
                                         required=False)
    area_bisogno = forms.ChoiceField(label=_("Area del bisogno"), required=False,
                                     choices=[("", _("Non indicata")), *AreaTarget.choices])
    sportello = forms.ModelChoiceField(
        label=_("Sportello che ha accolto il contatto"), required=False,
        queryset=Sportello.objects.filter(attivo=True).order_by("nome"),
        to_field_name="public_id", empty_label=_("Non indicato"),
        error_messages={"invalid_choice": _("Scegli uno sportello attivo di questo ente.")})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.persone: dict[str, Persona | None] = dict.fromkeys(SLOTS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for slot in SLOTS:
            public_id = data.get(f"{slot}_id")
            if public_id:
                persona = Persona.objects.filter(public_id=public_id).first()
                if persona is None:
                    self.add_error(None, _("La persona scelta non è più in anagrafica."))
                self.persone[slot] = persona
        return data

    def applies(self, part: str) -> bool:
        return part in APPLIES.get(self.cleaned_data.get("interlocutore_tipo", ""), set())

    def service_kwargs(self, nuove: dict[str, NuovaPersonaForm]) -> dict[str, Any]:
        """Arguments for ``scheda_create``: only the parts that apply to the chosen
        interlocutor, each person either picked from the registry or typed in."""
        d = self.cleaned_data
        kwargs: dict[str, Any] = {
            "interlocutore_tipo": d["interlocutore_tipo"], "canale": d["canale"],
            "data": d["data_contatto"], "bisogno_espresso": d["bisogno_espresso"],
            "area_bisogno": d["area_bisogno"], "sportello": d["sportello"],
        }
        for part in OPTIONAL:
            if self.applies(part):
                kwargs[part] = d[part]
        if "consenso_modalita" in kwargs and not kwargs["consenso_modalita"]:
            kwargs["consenso_modalita"] = Consenso.Modalita.SCRITTO
        for slot in SLOTS:
            if self.applies(slot):
                kwargs[slot] = self.persone[slot] or nuove[slot].nuova_persona()
        return kwargs


def initial_scheda(user_id: int | None = None) -> dict[str, Any]:
    """A new scheda's starting values; the operator's front office when they work in
    exactly one."""
    from .selectors import sportelli_di

    initial: dict[str, Any] = {
        "data_contatto": timezone.localtime().strftime(DATETIME_FORMAT),
        "canale": SchedaAccesso.Canale.PERSONA, "interlocutore_tipo": T.UTENTE,
        "consenso_modalita": Consenso.Modalita.SCRITTO}
    if user_id is not None:
        propri = sportelli_di(user_id)
        if len(propri) == 1:
            initial["sportello"] = propri[0].public_id
    return initial


class ChiusuraForm(forms.Form):
    esito = forms.ChoiceField(label=_("Esito del contatto"), widget=forms.RadioSelect)
    motivo = forms.CharField(
        label=_("Informazioni date, motivazione o note"), required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))
    risorse = forms.ModelMultipleChoiceField(
        label=_("Risorse proposte"), required=False, to_field_name="public_id",
        queryset=Risorsa.objects.filter(attiva=True).order_by("nome"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Tieni premuto Ctrl (o Cmd) per sceglierne più di una."))
    assistente = forms.TypedChoiceField(
        label=_("Inoltra a"), required=False, coerce=int, empty_value=None,
        help_text=_("Per un inoltro o una segnalazione: l'assistente sociale che la valuta "
                    "(riceve un avviso). Vuoto: chiunque tra gli assistenti sociali."))

    def __init__(self, *args: Any, scheda: SchedaAccesso, **kwargs: Any) -> None:
        from .selectors import assistenti_sociali

        super().__init__(*args, **kwargs)
        assistente = self.fields["assistente"]
        assert isinstance(assistente, forms.ChoiceField)
        assistente.choices = [("", _("Qualsiasi assistente sociale")),
                              *((m.user_id, m.user.get_full_name() or m.user.email)
                                for m in assistenti_sociali())]
        E = SchedaAccesso.Esito
        esiti = [e for e in CLOSING if not (scheda.presunto_pregiudizio and e != E.SEGNALAZIONE_AG)]
        if scheda.utente_id is None:
            esiti = [e for e in esiti if e not in (E.INOLTRO_AS, E.SEGNALAZIONE_AG)]
        esito_field = self.fields["esito"]
        assert isinstance(esito_field, forms.ChoiceField)
        esito_field.choices = [(e, E(e).label) for e in esiti]


class SchedaFilterForm(forms.Form):
    stato = forms.ChoiceField(label=_("Stato"), required=False,
                              choices=[("", _("Tutti")), *SchedaAccesso.Stato.choices])
    dal = forms.DateField(label=_("Dal"), required=False, widget=_DateInput())
    al = forms.DateField(label=_("Al"), required=False, widget=_DateInput())
    mie = forms.BooleanField(label=_("Solo le schede che ho scritto io"), required=False)
    sportello = forms.ModelChoiceField(
        label=_("Sportello"), required=False, queryset=Sportello.objects.order_by("nome"),
        to_field_name="public_id", empty_label=_("Tutti gli sportelli"),
        error_messages={"invalid_choice": _("Scegli uno sportello di questo ente.")})


class RisorsaForm(forms.ModelForm):
    sito = forms.URLField(label=_("Sito web"), required=False, max_length=200,
                          assume_scheme="https")

    class Meta:
        model = Risorsa
        fields = ["nome", "tipo", "area_target", "descrizione", "ente_gestore", "indirizzo",
                  "telefono", "email", "sito", "orari", "attiva"]
        widgets = {"descrizione": forms.Textarea(attrs={"rows": 4, "class": "form-control"})}


class RisorseSearchForm(forms.Form):
    q = forms.CharField(label=_("Cerca per nome, ente o servizio offerto"), required=False,
                        max_length=100)
    area_target = forms.ChoiceField(
        label=_("Area target"), required=False,
        choices=[("", _("Tutte")), *AreaTarget.choices])


class ConsensoForm(forms.Form):
    """An answer on consent recorded from the person's page (given, refused or revoked),
    by the person or by one of their legal representatives on record."""

    stato = forms.ChoiceField(label=_("Risposta"), choices=Consenso.Stato.choices,
                              widget=forms.RadioSelect)
    data = forms.DateField(label=_("Data"), widget=_DateInput(),  # type: ignore[assignment]  # a field, not BaseForm.data
                           initial=timezone.localdate)
    modalita = forms.ChoiceField(label=_("Come è stato raccolto"),
                                 choices=Consenso.Modalita.choices,
                                 initial=Consenso.Modalita.SCRITTO)
    rilasciato_da = forms.ChoiceField(label=_("Risponde"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, persona: Persona, **kwargs: Any) -> None:
        from .selectors import legal_representatives

        super().__init__(*args, **kwargs)
        self.rappresentanti = {str(r.riferimento.public_id): r.riferimento
                               for r in legal_representatives(persona)}
        field = self.fields["rilasciato_da"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("La persona stessa")),
                         *((pid, _("%(who)s, legale rappresentante") % {"who": p.nome_completo})
                           for pid, p in self.rappresentanti.items())]

    def service_kwargs(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d["rilasciato_da"] = self.rappresentanti.get(d["rilasciato_da"] or "")
        return d


class SportelloForm(forms.Form):
    nome = forms.CharField(label=_("Nome"), max_length=200)
    indirizzo = forms.CharField(label=_("Indirizzo"), max_length=200, required=False)
    orari = forms.CharField(
        label=_("Orari di apertura"), required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("Per esempio: lunedì e mercoledì 9-12, giovedì 15-17."))
    telefono = forms.CharField(label=_("Telefono"), max_length=30, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    operatori_ids = forms.TypedMultipleChoiceField(
        label=_("Chi ci lavora"), required=False, coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Uno degli operatori scelti non è abilitato in "
                                            "questo ente.")})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .sportelli import membri_ente

        super().__init__(*args, **kwargs)
        field = self.fields["operatori_ids"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(m.user_id, f"{m.user.get_full_name() or m.user.email} "
                                     f"({m.get_role_display()})") for m in membri_ente()]


class CifreForm(forms.Form):
    dal = forms.DateField(label=_("Dal"), required=False, widget=_DateInput())
    al = forms.DateField(label=_("Al"), required=False, widget=_DateInput())
    sportello = forms.ModelChoiceField(
        label=_("Sportello"), required=False, queryset=Sportello.objects.order_by("nome"),
        to_field_name="public_id", empty_label=_("Tutti gli sportelli"),
        error_messages={"invalid_choice": _("Scegli uno sportello di questo ente.")})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        data["al"] = data.get("al") or today
        data["dal"] = data.get("dal") or data["al"].replace(month=1, day=1)
        if data["dal"] > data["al"]:
            self.add_error("dal", _("La data di inizio è successiva a quella di fine."))
        return data
