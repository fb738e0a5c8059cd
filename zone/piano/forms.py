from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from services.core.forms import EuroField
from zone.catalogo.models import AreaTarget, CodicePrestazione, VoceListino

from .models import FonteFinanziamento, ModelloRendiconto, Piano, RigaModello, VocePiano

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from tenants.models import Zona

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0")}


class PianoForm(forms.ModelForm):
    class Meta:
        model = Piano
        fields = ["titolo", "anno_inizio", "anno_fine", "stato", "atto_approvazione", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self) -> None:  # the service validates and saves
        pass


class FonteForm(forms.Form):
    tipo = forms.ChoiceField(label=_("Tipo di fonte"), choices=FonteFinanziamento.Tipo.choices)
    nome = forms.CharField(label=_("Denominazione"), max_length=200, required=False,
                           help_text=_("Per esempio «FNPS 2026» o «Fondo regionale minori»; "
                                       "vuoto: il nome del tipo."))
    riferimento = forms.CharField(label=_("Atto di riparto o riferimento"), max_length=200,
                                  required=False)


class VoceForm(forms.ModelForm):
    """A line and, one field per source of the plan, what that source puts on it."""

    area_target = forms.ChoiceField(label=_("Area target"), choices=AreaTarget.choices)

    class Meta:
        model = VocePiano
        fields = ["codice", "descrizione", "area_target", "codice_prestazione", "servizio"]

    def __init__(self, *args, piano: Piano, **kwargs):
        super().__init__(*args, **kwargs)
        keep = self.instance.codice_prestazione_id if self.instance.pk else None
        self.fields["codice_prestazione"].queryset = CodicePrestazione.objects.filter(
            ritirato_in__isnull=True) | CodicePrestazione.objects.filter(pk=keep)
        self.fields["servizio"].queryset = VoceListino.objects.filter(zona_id=piano.zona_id)
        self.fonti = list(piano.fonti.all())
        attuali = {}
        if self.instance.pk:
            attuali = {s.fonte_id: s.importo for s in self.instance.stanziamenti.all()}
        for fonte in self.fonti:
            self.fields[f"fonte_{fonte.pk}"] = EuroField(
                label=_("%(fonte)s (€)") % {"fonte": fonte.nome}, required=False,
                initial=attuali.get(fonte.pk), **MONEY)

    def importi(self) -> dict[FonteFinanziamento, Decimal]:
        return {f: self.cleaned_data.get(f"fonte_{f.pk}") or Decimal("0") for f in self.fonti}

    def dati(self) -> dict:
        return {k: self.cleaned_data[k] for k in self._meta.fields}

    def _post_clean(self) -> None:
        pass


class QuotaForm(forms.Form):
    voce = forms.ModelChoiceField(label=_("Voce"), queryset=VocePiano.objects.none())
    fonte = forms.ModelChoiceField(label=_("Fonte"), queryset=FonteFinanziamento.objects.none())
    comune = forms.ModelChoiceField(label=_("Comune"), queryset=None)
    contributo = EuroField(label=_("Quota versata dal comune (€)"), required=False, **MONEY)
    assegnato = EuroField(label=_("Quota assegnata al comune (€)"), required=False, **MONEY)

    def __init__(self, *args, piano: Piano, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["voce"].queryset = piano.voci.order_by("codice")
        self.fields["fonte"].queryset = piano.fonti.all()
        self.fields["comune"].queryset = piano.zona.comuni.order_by("name")


class EsercizioForm(forms.Form):
    esercizio = forms.TypedChoiceField(label=_("Esercizio"), coerce=int, required=False,
                                       empty_value=None)

    def __init__(self, *args, piano: Piano, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["esercizio"].choices = [("", _("Tutto il periodo"))] + [
            (a, str(a)) for a in range(piano.anno_inizio, piano.anno_fine + 1)]


# The region's reporting forms. The fields only shape the input: the services validate.

TUTTE = [("", _("Tutte"))]


class ModelloForm(forms.Form):
    codice = forms.CharField(label=_("Codice"), max_length=40,
                             help_text=_("Lettere, cifre, punti e trattini; unico nella regione "
                                         "(per esempio «rendiconto-annuale-2026»)."))
    titolo = forms.CharField(label=_("Titolo"), max_length=200)
    descrizione = forms.CharField(label=_("Descrizione"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, codice: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not codice:  # the code of an existing form does not change
            del self.fields["codice"]


class CopiaModelloForm(ModelloForm):
    origine = forms.ModelChoiceField(label=_("Modello da copiare"),
                                     queryset=ModelloRendiconto.objects.none())
    field_order = ["origine", "codice", "titolo", "descrizione"]

    def __init__(self, *args: Any, origini: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["origine"].queryset = origini
        self.fields["origine"].label_from_instance = lambda m: (
            f"{m.titolo} ({_('nazionale') if m.regione_istat == '00' else m.codice})")
        self.fields["descrizione"].help_text = _("Vuota: la descrizione del modello copiato.")


class RigaModelloForm(forms.Form):
    sezione = forms.CharField(label=_("Sezione"), max_length=120, required=False)
    etichetta = forms.CharField(label=_("Voce del modello"), max_length=255)
    misura = forms.ChoiceField(label=_("Importo"), choices=RigaModello.Misura.choices)
    area_target = forms.ChoiceField(label=_("Area target"), required=False,
                                    choices=TUTTE + list(AreaTarget.choices))
    tipo_fonte = forms.ChoiceField(label=_("Tipo di fonte"), required=False,
                                   choices=TUTTE + list(FonteFinanziamento.Tipo.choices))
    prefisso_codice_prestazione = forms.CharField(
        label=_("Codici prestazione che iniziano con"), max_length=20, required=False,
        help_text=_("Per esempio «A1.»; vuoto: tutti."))


class AnteprimaForm(forms.Form):
    """A zone of the region and one of its plans, to see a form filled. ``zone``: the
    region's zones; the plans offered are those of the zone chosen."""

    zona = forms.ModelChoiceField(label=_("Ambito"), queryset=None, to_field_name="public_id",
                                  empty_label=_("Scegli un ambito"))
    piano = forms.ModelChoiceField(label=_("Piano di zona"), queryset=Piano.objects.none(),
                                   to_field_name="public_id", empty_label=_("Scegli un piano"),
                                   required=False)

    def __init__(self, *args: Any, zone: QuerySet[Zona], **kwargs: Any) -> None:
        from .selectors import piani_della_zona

        super().__init__(*args, **kwargs)
        self.fields["zona"].queryset = zone
        scelta = self.data.get("zona") if self.is_bound else None
        zona = zone.filter(public_id=scelta).first() if _uuid(scelta) else None
        if zona is not None:
            self.fields["piano"].queryset = piani_della_zona(zona)


def _uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
