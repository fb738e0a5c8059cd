"""Pages of the Tribunale per i minorenni: the list, a new proceeding, the proceeding page
with its sections (hearings, family problems, documents, interventions, operators). Every
proceeding comes through ``get_procedimento_for_user``: 404 when it is not the user's.
The calendar of hearings is in ``views_udienze.py``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from services.anagrafica.selectors import current_household
from services.cartella.documenti import MAX_BYTES
from services.cartella.models import Cartella
from services.cartella.selectors import cartelle_visibili
from services.core.errors import AmbitoError, NotFound
from services.core.letture import audit_list
from services.core.text import fold
from services.core.upload import upload_limit
from services.core.web import actor_of, client_ip, form_error
from tenants.permissions import capability_required, has_capability
from tenants.roles import Capability

from . import forms as f
from . import services as s
from .documenti import documento_apri, documento_carica, documento_del_procedimento
from .models import Procedimento, Udienza
from .selectors import (
    attivita,
    get_procedimento_for_user,
    operatori_attivi,
    procedimenti_elenco,
    udienze_di,
    vede_tutti,
)

SEZIONI_LABELS = [
    ("udienze", gettext_lazy("Udienze")),
    ("problematiche", gettext_lazy("Problematiche familiari")),
    ("documenti", gettext_lazy("Documenti")),
    ("interventi", gettext_lazy("Interventi")),
    ("operatori", gettext_lazy("Procedimento e assistenti sociali")),
    ("attivita", gettext_lazy("Attività")),
]
SEZIONI = [key for key, _label in SEZIONI_LABELS]
MANAGE = Capability.MANAGE_TRIBUNALE


def procedimento_for(request: HttpRequest, public_id: Any) -> Procedimento:
    return get_procedimento_for_user(request.user, public_id,
                                     ip_address=client_ip(request))


def detail_url(procedimento: Procedimento, sezione: str = "") -> str:
    url = reverse("tribunale_detail", kwargs={"public_id": procedimento.public_id})
    return f"{url}?sezione={sezione}#{sezione}" if sezione else url


def nuovo_intervento_url(persona: Any) -> str | None:
    try:
        return f"{reverse('intervento_new')}?persona={persona.public_id}"
    except NoReverseMatch:
        return None


def persone_convocabili(procedimento: Procedimento) -> list:
    """The minors and the members of their households."""
    people: dict[int, Any] = {}
    for minore in procedimento.minori.all():
        people[minore.pk] = minore
        for membro in current_household(minore):
            people.setdefault(membro.persona_id, membro.persona)
    return sorted(people.values(), key=lambda p: (p.cognome, p.nome))


# --- list and new ---------------------------------------------------------------------------


@require_GET
@capability_required(MANAGE)
def tribunale_list(request: HttpRequest) -> HttpResponse:
    form = f.FiltroForm(request.GET or None)
    qs = procedimenti_elenco(request.user)
    if form.is_valid():
        data = form.cleaned_data
        for word in fold(data["q"] or "").split():
            qs = qs.filter(Q(numero_rg__icontains=word)
                           | Q(minori__search_text__contains=word)).distinct()
        if data["stato"]:
            qs = qs.filter(stato=data["stato"])
    page = Paginator(qs.order_by("-ricevuto_il", "-id"), 50).get_page(request.GET.get("pagina"))
    audit_list(user=request.user, action="procedimento.elenco", ip_address=client_ip(request),
               filtro=form.cleaned_data if form.is_valid() else {},
               righe=len(page.object_list), pagina=page.number)
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(request, "tribunale/procedimento_list.html",
                  {"form": form, "page": page, "query": query.urlencode(),
                   "filtered": any(request.GET.get(k) for k in ("q", "stato")),
                   "can_configure": vede_tutti(request.user)})


@require_http_methods(["GET", "POST"])
@capability_required(MANAGE)
def tribunale_impostazioni(request: HttpRequest) -> HttpResponse:
    """The ente's default tribunal: set by who sees every proceeding (the dirigente)."""
    from django.core.exceptions import PermissionDenied

    from .models import Impostazioni
    from .selectors import tribunale_predefinito

    if not vede_tutti(request.user):
        raise PermissionDenied
    attuale = Impostazioni.objects.values_list("tribunale_predefinito", flat=True).first() or ""
    form = f.ImpostazioniForm(request.POST or None,
                              initial={"tribunale_predefinito": attuale})
    if request.method == "POST" and form.is_valid():
        try:
            s.impostazioni_aggiorna(actor=actor_of(request), **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Impostazioni salvate."))
            return redirect("tribunale_impostazioni")
    return render(request, "tribunale/impostazioni.html",
                  {"form": form, "proposto": tribunale_predefinito()},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@capability_required(MANAGE)
def tribunale_new(request: HttpRequest) -> HttpResponse:
    membri = s.operatori_incaricabili()
    form = f.ProcedimentoForm(request.POST or None, membri=membri)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            procedimento = s.procedimento_crea(
                actor=actor_of(request), numero_rg=data["numero_rg"],
                tribunale=data["tribunale"], tipo=data["tipo"], ricevuto_il=data["ricevuto_il"],
                decreto_numero=data["decreto_numero"], decreto_data=data["decreto_data"],
                decreto_sintesi=data["decreto_sintesi"], minori=data["minori"],
                operatori_ids=data["operatori"])
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Procedimento registrato; gli assistenti sociali "
                                        "incaricati sono stati avvisati."))
            return redirect(detail_url(procedimento))
    return render(request, "tribunale/procedimento_new.html", {"form": form},
                  status=400 if form.errors else 200)


# --- the proceeding page --------------------------------------------------------------------


def render_detail(request: HttpRequest, procedimento: Procedimento, *, sezione: str = "",
                  status: int = 200, **overrides: Any) -> HttpResponse:
    sezione = sezione if sezione in SEZIONI else request.GET.get("sezione", "udienze")
    if sezione not in SEZIONI:
        sezione = "udienze"
    minori = list(procedimento.minori.all())
    cartelle = {c.persona_id: c for c in Cartella.objects.filter(persona__in=minori)}
    leggibili = set(cartelle_visibili(request.user).filter(persona__in=minori)
                    .values_list("persona_id", flat=True))
    aperto = procedimento.stato == Procedimento.Stato.APERTO
    context: dict[str, Any] = {
        "procedimento": procedimento,
        "sezione": sezione,
        "sezioni_labels": SEZIONI_LABELS,
        "aperto": aperto,
        "puo_aprire_cartelle": has_capability(request, Capability.MANAGE_CARTELLA),
        "minori": [{"persona": m, "cartella": cartelle.get(m.pk),
                    "cartella_leggibile": m.pk in leggibili,
                    "nuovo_intervento_url": nuovo_intervento_url(m)} for m in minori],
        "udienze": list(udienze_di(procedimento)),
        "problematiche": list(procedimento.problematiche.all()),
        "documenti": list(procedimento.documenti.all()),
        "interventi": list(procedimento.interventi.select_related("servizio", "persona")),
        "operatori": list(operatori_attivi(procedimento)),
        "attivita": attivita(procedimento),
    }
    if aperto:
        membri = s.operatori_incaricabili()
        context.update(
            udienza_form=f.UdienzaForm(membri=s.operatori_convocabili(),
                                       persone=persone_convocabili(procedimento)),
            problematica_form=f.ProblematicaForm(),
            documento_form=f.DocumentoForm(),
            intervento_form=f.InterventoForm(
                interventi=s.interventi_collegabili(procedimento)),
            operatore_form=f.OperatoreForm(membri=membri),
            decreto_form=f.DecretoForm(initial={
                "decreto_numero": procedimento.decreto_numero,
                "decreto_data": procedimento.decreto_data,
                "decreto_sintesi": procedimento.decreto_sintesi}),
            chiusura_form=f.ChiusuraForm(),
            esito_form=f.EsitoForm(),
        )
    context.update(overrides)
    return render(request, "tribunale/procedimento_detail.html", context, status=status)


@require_GET
@capability_required(MANAGE)
def tribunale_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return render_detail(request, procedimento_for(request, public_id))


@require_GET
@capability_required(MANAGE)
def tribunale_documento_download(request: HttpRequest, public_id: Any,
                                 doc_id: Any) -> HttpResponse:
    procedimento = procedimento_for(request, public_id)
    documento = documento_del_procedimento(procedimento, doc_id)
    try:
        handle = documento_apri(actor=actor_of(request), documento=documento)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    response = FileResponse(handle, as_attachment=True, filename=documento.nome_originale,
                            content_type=documento.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response  # type: ignore[return-value]


# --- POST actions ---------------------------------------------------------------------------

Perform = Callable[[HttpRequest, Procedimento, dict], str]


def _azione(form_class: type[forms.Form], form_name: str, sezione: str, *,
            form_kwargs: Callable[[Procedimento], dict] | None = None,
            ) -> Callable[[Perform], Callable]:
    """Turn ``perform(request, procedimento, data) -> message`` into a POST view that shows
    the page again with the form and the reason on a refusal."""

    def decorator(perform: Perform) -> Callable:
        @require_POST
        @capability_required(MANAGE)
        def view(request: HttpRequest, public_id: Any) -> HttpResponse:
            procedimento = procedimento_for(request, public_id)
            kwargs = form_kwargs(procedimento) if form_kwargs else {}
            form = form_class(request.POST, request.FILES, **kwargs)
            if form.is_valid():
                try:
                    message = perform(request, procedimento, form.cleaned_data)
                except AmbitoError as exc:
                    form_error(form, exc)
                else:
                    messages.success(request, message)
                    return redirect(detail_url(procedimento, sezione))
            return render_detail(request, procedimento, sezione=sezione, status=400,
                                 **{form_name: form})

        view.__name__ = perform.__name__
        view.__doc__ = perform.__doc__
        return view

    return decorator


def _udienza_kwargs(procedimento: Procedimento) -> dict:
    return {"membri": s.operatori_convocabili(),
            "persone": persone_convocabili(procedimento)}


@_azione(f.UdienzaForm, "udienza_form", "udienze", form_kwargs=_udienza_kwargs)
def tribunale_udienza_add(request: HttpRequest, procedimento: Procedimento, data: dict) -> str:
    s.udienza_fissa(actor=actor_of(request), procedimento=procedimento, inizio=data["inizio"],
                    luogo=data["luogo"], giudice=data["giudice"],
                    operatori_ids=data["operatori"], persone=data["persone"])
    return _("Udienza fissata; gli operatori convocati sono stati avvisati.")


@_azione(f.ProblematicaForm, "problematica_form", "problematiche")
def tribunale_problematica_add(request: HttpRequest, procedimento: Procedimento,
                               data: dict) -> str:
    s.problematica_registra(actor=actor_of(request), procedimento=procedimento, **data)
    return _("Problematica registrata.")


@upload_limit(MAX_BYTES)
@_azione(f.DocumentoForm, "documento_form", "documenti")
def tribunale_documento_add(request: HttpRequest, procedimento: Procedimento,
                            data: dict) -> str:
    documento_carica(actor=actor_of(request), procedimento=procedimento,
                     uploaded=data["file"], tipo=data["tipo"], data=data["data"],
                     descrizione=data["descrizione"])
    return _("Documento caricato.")


@_azione(f.InterventoForm, "intervento_form", "interventi",
         form_kwargs=lambda p: {"interventi": s.interventi_collegabili(p)})
def tribunale_intervento_add(request: HttpRequest, procedimento: Procedimento,
                             data: dict) -> str:
    s.intervento_collega(actor=actor_of(request), procedimento=procedimento,
                         intervento=data["intervento"])
    return _("Intervento collegato al procedimento.")


@_azione(f.OperatoreForm, "operatore_form", "operatori",
         form_kwargs=lambda p: {"membri": s.operatori_incaricabili()})
def tribunale_operatore_add(request: HttpRequest, procedimento: Procedimento,
                            data: dict) -> str:
    s.operatore_assegna(actor=actor_of(request), procedimento=procedimento,
                        user_id=data["user_id"])
    return _("Assistente sociale assegnato e avvisato.")


@_azione(f.DecretoForm, "decreto_form", "operatori")
def tribunale_decreto(request: HttpRequest, procedimento: Procedimento, data: dict) -> str:
    s.procedimento_aggiorna_decreto(actor=actor_of(request), procedimento=procedimento, **data)
    return _("Dati del decreto aggiornati.")


@_azione(f.ChiusuraForm, "chiusura_form", "operatori")
def tribunale_chiudi(request: HttpRequest, procedimento: Procedimento, data: dict) -> str:
    s.procedimento_chiudi(actor=actor_of(request), procedimento=procedimento, **data)
    return _("Procedimento chiuso.")


@require_POST
@capability_required(MANAGE)
def tribunale_apri_cartella(request: HttpRequest, public_id: Any,
                            persona_id: Any) -> HttpResponse:
    """Open the case file of a minor of the proceeding (who may open case files only)."""
    from django.core.exceptions import PermissionDenied

    procedimento = procedimento_for(request, public_id)
    if not has_capability(request, Capability.MANAGE_CARTELLA):
        raise PermissionDenied
    minore = procedimento.minori.filter(public_id=persona_id).first()
    if minore is None:
        raise Http404
    try:
        cartella = s.cartella_apri_per_minore(actor=actor_of(request), procedimento=procedimento,
                                              minore=minore)
    except AmbitoError as exc:
        messages.error(request, str(exc))
        return redirect(detail_url(procedimento))
    messages.success(request, _("Cartella sociale n. %(n)s aperta.") % {"n": cartella.numero})
    return redirect("cartella_detail", public_id=cartella.public_id)


@require_POST
@capability_required(MANAGE)
def tribunale_operatore_remove(request: HttpRequest, public_id: Any,
                               user_id: int) -> HttpResponse:
    procedimento = procedimento_for(request, public_id)
    try:
        s.operatore_revoca(actor=actor_of(request), procedimento=procedimento, user_id=user_id)
    except AmbitoError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Assegnazione revocata."))
    return redirect(detail_url(procedimento, "operatori"))


def _udienza(procedimento: Procedimento, udienza_id: Any) -> Udienza:
    udienza = procedimento.udienze.filter(public_id=udienza_id).first()
    if udienza is None:
        raise Http404
    return udienza


@require_POST
@capability_required(MANAGE)
def tribunale_udienza_esito(request: HttpRequest, public_id: Any,
                            udienza_id: Any) -> HttpResponse:
    procedimento = procedimento_for(request, public_id)
    udienza = _udienza(procedimento, udienza_id)
    form = f.EsitoForm(request.POST)
    if form.is_valid():
        try:
            s.udienza_esito(actor=actor_of(request), udienza=udienza, **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Esito dell'udienza registrato."))
            return redirect(detail_url(procedimento, "udienze"))
    return render_detail(request, procedimento, sezione="udienze", status=400,
                         esito_form=form, esito_udienza=udienza)


@require_http_methods(["GET", "POST"])
@capability_required(MANAGE)
def tribunale_udienza_edit(request: HttpRequest, public_id: Any,
                           udienza_id: Any) -> HttpResponse:
    procedimento = procedimento_for(request, public_id)
    udienza = _udienza(procedimento, udienza_id)
    convocati = list(udienza.convocati.all())
    initial = {
        "inizio": udienza.inizio, "luogo": udienza.luogo, "giudice": udienza.giudice,
        "operatori": [str(c.user_id) for c in convocati if c.user_id],
        "persone": [str(c.persona.public_id) for c in convocati if c.persona is not None],
    }
    form = f.UdienzaForm(request.POST or None, initial=initial,
                         **_udienza_kwargs(procedimento))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            s.udienza_modifica(actor=actor_of(request), udienza=udienza, inizio=data["inizio"],
                               luogo=data["luogo"], giudice=data["giudice"],
                               operatori_ids=data["operatori"], persone=data["persone"])
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Udienza aggiornata; i convocati sono stati avvisati."))
            return redirect(detail_url(procedimento, "udienze"))
    return render(request, "tribunale/udienza_edit.html",
                  {"procedimento": procedimento, "udienza": udienza, "form": form},
                  status=400 if form.errors else 200)
