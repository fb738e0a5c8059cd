"""Pages of the person registry. Every read of a person is audit-logged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.accesso.consenso_card import consenso_context
from services.core.errors import AmbitoError
from services.core.web import actor_of, client_ip, form_error
from tenants.permissions import capability_required, has_capability
from tenants.roles import Capability

from . import forms as f
from . import services as svc
from .models import MembroNucleo, Persona
from .selectors import (
    current_address,
    current_household,
    get_persona_for_user,
    persona_search_for_user,
    persone_recenti_for_user,
    possible_duplicates,
)


def _persona(request: HttpRequest, public_id: Any) -> Persona:
    """For the writes: the service functions record what they change."""
    return get_persona_for_user(request.user, public_id, log_read=False)


def _read_for(request: HttpRequest, public_id: Any, pagina: str) -> Persona:
    """For the pages that show the person's data in a form: opening them (GET) is a read;
    a POST is audited by the service it calls (and redisplays what the user just sent)."""
    return get_persona_for_user(request.user, public_id, ip_address=client_ip(request),
                                pagina=pagina, log_read=request.method == "GET")


def _picked(form: forms.Form) -> Persona:
    other = Persona.objects.filter(public_id=form.cleaned_data["persona"]).first()
    if other is None:
        raise AmbitoError(_("Scegli una persona dall'elenco."), field="persona")
    return other


@capability_required(Capability.VIEW_ANAGRAFICA)
def persona_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    ip = client_ip(request)
    results = (persona_search_for_user(request.user, query, ip_address=ip) if query
               else persone_recenti_for_user(request.user, ip_address=ip))
    context = {"query": query, "results": results, "pick": request.GET.get("pick", "")}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "anagrafica/_results.html", context)
    return render(request, "anagrafica/list.html", context)


@capability_required(Capability.EDIT_ANAGRAFICA)
def persona_new(request: HttpRequest) -> HttpResponse:
    form = f.PersonaNewForm(request.POST or None)
    existing = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            persona = svc.persona_create(
                actor=actor_of(request),
                cognome=data["cognome"], nome=data["nome"], sesso=data["sesso"],
                data_nascita=data["data_nascita"], codice_fiscale=data["codice_fiscale"],
                luogo_nascita=data["luogo_nascita"], cittadinanza=data["cittadinanza"],
                telefono=data["telefono"], email=data["email"],
                residenza=form.residenza(), conferma_omonimia=data["conferma_omonimia"],
            )
        except AmbitoError as exc:
            existing = getattr(exc, "existing", None)
            form_error(form, exc)
        else:
            messages.success(request, _("Persona registrata."))
            return redirect("anagrafica_detail", public_id=persona.public_id)
    return render(request, "anagrafica/form.html",
                  {"form": form, "existing": existing, "title": _("Nuova persona")})


@capability_required(Capability.VIEW_ANAGRAFICA)
def persona_detail(request: HttpRequest, public_id: Any, forms_with_errors: dict | None = None,
                   status: int = 200) -> HttpResponse:
    persona = get_persona_for_user(request.user, public_id, ip_address=client_ip(request))
    cartella = None
    if has_capability(request, Capability.VIEW_CARTELLA):
        from services.cartella.selectors import cartelle_visibili

        cartella = cartelle_visibili(request.user).filter(persona=persona).first()
    from services.cartella.history import persona_storia

    own = MembroNucleo.objects.filter(persona=persona, al__isnull=True).first()
    forms_with_errors = forms_with_errors or {}
    context = {
        **consenso_context(request, persona, forms_with_errors.pop("consenso", None)),
        # The person as the hub: applications, interventions of the person and of the
        # household, totals per year (and the case's documents when the user may open it).
        "storia": persona_storia(persona, request.user, cartella),
        "persona": persona,
        "residenza": current_address(persona),
        "indirizzi": persona.indirizzi.order_by("tipo", "-dal"),
        "condizioni": persona.condizioni.order_by("ambito", "-rilevata_il", "-id"),
        "nucleo": current_household(persona),
        "nucleo_corrente": own.nucleo if own else None,
        "storia_nuclei": persona.appartenenze.select_related("nucleo").order_by("-dal"),
        "riferimenti": persona.riferimenti.select_related("riferimento").order_by("al", "-dal"),
        "riferimento_per": persona.riferimento_per.select_related("persona").filter(al__isnull=True),
        "duplicati": possible_duplicates(persona),
        "cartella": cartella,
        "can_edit": has_capability(request, Capability.EDIT_ANAGRAFICA)
        and persona.stato != Persona.Stato.UNITA,
        "can_merge": has_capability(request, Capability.MERGE_PERSONE),
        "forms": {
            "indirizzo": f.IndirizzoForm(),
            "condizione": f.CondizioneForm(),
            "nucleo": f.NucleoForm(),
            "membro": f.MembroForm(),
            "riferimento": f.RiferimentoForm(),
            "decesso": f.DataForm(),
            **forms_with_errors,
        },
    }
    return render(request, "anagrafica/detail.html", context, status=status)


@capability_required(Capability.EDIT_ANAGRAFICA)
def persona_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    persona = _read_for(request, public_id, "modifica")
    initial = {name: getattr(persona, name) for name in svc.EDITABLE}
    form = f.PersonaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            svc.persona_update(actor=actor_of(request), persona=persona, **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Dati aggiornati."))
            return redirect("anagrafica_detail", public_id=persona.public_id)
    return render(request, "anagrafica/form.html",
                  {"form": form, "persona": persona, "title": _("Modifica dati anagrafici")})


def _section_post(
    name: str, form_class: type[forms.Form], run: Callable[[HttpRequest, Persona, dict], Any],
    done: str,
) -> Callable[..., HttpResponse]:
    """A POST that adds one thing to a person's record, re-showing the page with the
    form's errors when the rule refuses it (nothing written)."""

    @capability_required(Capability.EDIT_ANAGRAFICA)
    @require_POST
    def view(request: HttpRequest, public_id: Any) -> HttpResponse:
        persona = _persona(request, public_id)
        form = form_class(request.POST)
        if form.is_valid():
            try:
                run(request, persona, form.cleaned_data | {"_form": form})
            except AmbitoError as exc:
                form_error(form, exc)
            else:
                messages.success(request, done)
                return redirect("anagrafica_detail", public_id=persona.public_id)
        messages.error(request, _("Controlla i dati inseriti: non è stato salvato nulla."))
        return persona_detail(request, public_id, forms_with_errors={name: form}, status=200)

    view.__name__ = f"persona_{name}"
    return view


def _indirizzo(request: HttpRequest, persona: Persona, d: dict) -> None:
    svc.indirizzo_cambia(actor=actor_of(request), persona=persona, tipo=d["tipo"], dal=d["dal"],
                         via=d["via"], civico=d["civico"], cap=d["cap"], comune=d["comune"],
                         provincia=d["provincia"])


def _condizione(request: HttpRequest, persona: Persona, d: dict) -> None:
    svc.condizione_registra(actor=actor_of(request), persona=persona, ambito=d["ambito"],
                            valore=d["valore"], rilevata_il=d["rilevata_il"], fonte=d["fonte"],
                            note=d["note"])


def _nucleo(request: HttpRequest, persona: Persona, d: dict) -> None:
    svc.nucleo_crea(actor=actor_of(request), intestatario=persona, dal=d["dal"],
                    codice_anagrafe=d["codice_anagrafe"])


def _membro(request: HttpRequest, persona: Persona, d: dict) -> None:
    own = MembroNucleo.objects.filter(persona=persona, al__isnull=True).first()
    if own is None:
        raise AmbitoError(_("La persona non ha un nucleo: crealo prima."))
    svc.nucleo_aggiungi(actor=actor_of(request), nucleo=own.nucleo, persona=_picked(d["_form"]),
                        relazione=d["relazione"], dal=d["dal"])


def _riferimento(request: HttpRequest, persona: Persona, d: dict) -> None:
    svc.riferimento_aggiungi(actor=actor_of(request), persona=persona,
                             riferimento=_picked(d["_form"]), tipo=d["tipo"], dal=d["dal"],
                             note=d["note"])


def _decesso(request: HttpRequest, persona: Persona, d: dict) -> None:
    svc.persona_decesso(actor=actor_of(request), persona=persona, data=d["data"])


persona_address = _section_post("indirizzo", f.IndirizzoForm, _indirizzo, _("Indirizzo registrato."))
persona_condition = _section_post("condizione", f.CondizioneForm, _condizione,
                                  _("Condizione registrata."))
persona_household_new = _section_post("nucleo", f.NucleoForm, _nucleo, _("Nucleo creato."))
persona_household_add = _section_post("membro", f.MembroForm, _membro,
                                      _("Componente aggiunto al nucleo."))
persona_reference = _section_post("riferimento", f.RiferimentoForm, _riferimento,
                                  _("Persona di riferimento registrata."))
persona_death = _section_post("decesso", f.DataForm, _decesso, _("Decesso registrato."))


@capability_required(Capability.EDIT_ANAGRAFICA)
@require_POST
def persona_household_exit(request: HttpRequest, public_id: Any, membro_id: Any) -> HttpResponse:
    persona = _persona(request, public_id)
    membro = MembroNucleo.objects.filter(public_id=membro_id, al__isnull=True).first()
    form = f.DataForm(request.POST)
    if membro is None or not form.is_valid():
        messages.error(request, _("Indica la data di uscita dal nucleo."))
    else:
        try:
            svc.nucleo_rimuovi(actor=actor_of(request), membro=membro, al=form.cleaned_data["data"])
        except AmbitoError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Uscita dal nucleo registrata."))
    return redirect("anagrafica_detail", public_id=persona.public_id)


@capability_required(Capability.MERGE_PERSONE)
def persona_merge(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Merge a duplicate (chosen on this page) into this record."""
    tieni = _read_for(request, public_id, "unione")
    form = f.PersonaPickForm(request.POST or None)
    candidates = possible_duplicates(tieni)
    if request.method == "POST" and form.is_valid():
        try:
            svc.persona_unisci(actor=actor_of(request), tieni=tieni, elimina=_picked(form))
        except AmbitoError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Schede unite: la storia è ora su questa scheda."))
            return redirect("anagrafica_detail", public_id=tieni.public_id)
    return render(request, "anagrafica/merge.html",
                  {"persona": tieni, "candidates": candidates, "form": form})
