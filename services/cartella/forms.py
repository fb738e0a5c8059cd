"""Forms of the case-file pages. They only shape input: the rules are in the services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.accesso.models import AreaTarget, Consenso, SchedaAccesso
from services.accesso.selectors import legal_representatives
from services.anagrafica.models import CondizioneSociale, Persona

from .documenti import ACCEPT
from .models import Cartella, Documento, Problematica, RisorsaFamiliare, VoceDiario


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _date(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput(), initial=timezone.localdate,
                           **kwargs)


def _text(label: Any, *, rows: int = 4, required: bool = True, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, required=required,
                           widget=forms.Textarea(attrs={"rows": rows, "class": "form-control"}), **kwargs)


def _with_blank(choices: list, label: object = "—") -> list:
    return [("", label), *choices]


# --- review of the schede -----------------------------------------------------------------


class RespingiForm(forms.Form):
    motivo = _text(_("Motivo del respingimento"), rows=3, max_length=2000,
                   help_text=_("Una breve motivazione: resta nella scheda di accesso."))


class PresaInCaricoForm(forms.Form):
    area_target = forms.ChoiceField(label=_("Area target del caso"),
                                    choices=_with_blank(AreaTarget.choices))
    data = _date(_("Data del primo colloquio"))  # type: ignore[assignment]  # a field, not BaseForm.data
    colloquio = _text(_("Primo colloquio professionale"), rows=6,
                      help_text=_("Situazione sociale emersa, informazioni date alla persona "
                                  "sulla gestione dei dati, prime valutazioni."))
    colloquio_riservato = forms.BooleanField(
        label=_("Voce riservata (la leggono solo l'autore e il responsabile del caso)"),
        required=False)
    consenso = forms.ChoiceField(
        label=_("Consenso al trattamento dei dati chiesto al colloquio"), required=False,
        widget=forms.RadioSelect,
        choices=[("", _("Non chiesto ora (vale quello già registrato)")),
                 (Consenso.Stato.CONCESSO, _("Concesso")),
                 (Consenso.Stato.NEGATO, _("Negato"))],
        help_text=_("Dopo la segnalazione scritta di un pubblico ufficiale va sempre chiesto. "
                    "Se è negato, senza mandato dell'autorità giudiziaria resta agli atti la "
                    "sola segnalazione e non si apre la cartella."))
    consenso_da = forms.ChoiceField(label=_("Risponde"), required=False)
    consenso_modalita = forms.ChoiceField(label=_("Come è stato raccolto il consenso"),
                                          choices=Consenso.Modalita.choices, required=False)

    def __init__(self, *args: Any, scheda: SchedaAccesso | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rappresentanti: dict[str, Persona] = {}
        if scheda is not None and scheda.utente_id is not None:
            self.rappresentanti = {str(r.riferimento.public_id): r.riferimento
                                   for r in legal_representatives(scheda.utente)}
            if scheda.interlocutore_tipo == SchedaAccesso.Interlocutore.PUBBLICO_UFFICIALE:
                consenso = cast(forms.ChoiceField, self.fields["consenso"])
                consenso.choices = list(consenso.choices)[1:]
        field = cast(forms.ChoiceField, self.fields["consenso_da"])
        field.choices = [("", _("La persona stessa")),
                         *((pid, _("%(who)s, legale rappresentante") % {"who": p.nome_completo})
                           for pid, p in self.rappresentanti.items())]

    def service_kwargs(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d["consenso_rilasciato_da"] = self.rappresentanti.get(d.pop("consenso_da", "") or "")
        d["consenso_modalita"] = d.get("consenso_modalita") or Consenso.Modalita.SCRITTO
        return d


class ProblematicaRigaForm(forms.Form):
    categoria = forms.ChoiceField(label=_("Problematica"), required=False,
                                  choices=_with_blank(Problematica.Categoria.choices))
    descrizione = forms.CharField(label=_("Descrizione"), required=False, max_length=1000)


ProblematicaRigheFormSet = forms.formset_factory(ProblematicaRigaForm, extra=3, max_num=10)


# --- the case page ------------------------------------------------------------------------


class VoceDiarioForm(forms.Form):
    tipo = forms.ChoiceField(label=_("Tipo"), choices=VoceDiario.Tipo.choices,
                             initial=VoceDiario.Tipo.COLLOQUIO)
    data = _date(_("Data"))  # type: ignore[assignment]  # a field, not BaseForm.data
    testo = _text(_("Testo"), rows=5)
    riservata = forms.BooleanField(
        label=_("Riservata (la leggono solo l'autore e il responsabile del caso)"),
        required=False)


class ProblematicaForm(forms.Form):
    categoria = forms.ChoiceField(label=_("Categoria"),
                                  choices=_with_blank(Problematica.Categoria.choices))
    descrizione = _text(_("Descrizione"), rows=3, required=False)
    rilevata_il = _date(_("Rilevata il"))


class ChiusuraForm(forms.Form):
    """The date a problem was overcome or a resource stopped being available."""

    data = _date(_("Dal"))  # type: ignore[assignment]  # a field, not BaseForm.data


class RisorsaFamiliareForm(forms.Form):
    persona = forms.ChoiceField(label=_("Persona dell'anagrafica (nucleo e riferimenti)"),
                                required=False)
    nome = forms.CharField(label=_("Oppure nome e cognome"), required=False, max_length=200)
    relazione = forms.ChoiceField(label=_("Relazione"),
                                  choices=_with_blank(RisorsaFamiliare.Relazione.choices))
    disponibilita = _text(_("Che cosa può offrire"), rows=2, required=False)
    contatti = forms.CharField(label=_("Contatti"), required=False, max_length=200)

    def __init__(self, *args, persone: list | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.persone = {str(p.public_id): p for p in (persone or [])}
        cast(forms.ChoiceField, self.fields["persona"]).choices = _with_blank(
            [(key, p.nome_completo) for key, p in self.persone.items()])

    def clean_persona(self):
        value = self.cleaned_data.get("persona")
        return self.persone.get(value) if value else None


class CondizioneForm(forms.Form):
    ambito = forms.ChoiceField(label=_("Ambito"),
                               choices=_with_blank(CondizioneSociale.Ambito.choices))
    valore = forms.CharField(label=_("Condizione verificata"), max_length=200)
    rilevata_il = _date(_("Verificata il"))
    note = _text(_("Come è stata verificata"), rows=2, required=False)


class DocumentoForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, JPEG, PNG, ODT o DOCX, al massimo 20 MB)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    tipo = forms.ChoiceField(label=_("Tipo di documento"),
                             choices=_with_blank(Documento.Tipo.choices))
    data = _date(_("Data del documento"))  # type: ignore[assignment]  # a field, not BaseForm.data
    numero_protocollo = forms.CharField(label=_("Numero di protocollo"), required=False,
                                        max_length=50)
    descrizione = forms.CharField(label=_("Descrizione"), required=False, max_length=300)


class OperatoreForm(forms.Form):
    user = forms.ChoiceField(label=_("Collega"))
    ruolo = forms.CharField(label=_("Ruolo nel caso"), max_length=100, required=False,
                            help_text=_("Es. educatore domiciliare, psicologo."))
    dal = _date(_("Abilitato dal"))

    def __init__(self, *args, colleghi: list | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.colleghi = {str(m.user_id): m.user for m in (colleghi or [])}
        cast(forms.ChoiceField, self.fields["user"]).choices = _with_blank(
            [(str(m.user_id), f"{m.user.get_full_name() or m.user.email} "
              f"({m.get_role_display()})") for m in (colleghi or [])])

    def clean_user(self):
        return self.colleghi.get(self.cleaned_data.get("user") or "")


class MovimentoForm(forms.Form):
    data = _date(_("Data"))  # type: ignore[assignment]  # a field, not BaseForm.data
    motivo = _text(_("Motivo"), rows=2)


class CartellaFiltroForm(forms.Form):
    q = forms.CharField(label=_("Cognome e nome"), required=False, max_length=100)
    stato = forms.ChoiceField(label=_("Stato"), required=False,
                              choices=_with_blank(Cartella.Stato.choices, _("Tutti")))
    area = forms.ChoiceField(label=_("Area target"), required=False,
                             choices=_with_blank(AreaTarget.choices, _("Tutte")))
