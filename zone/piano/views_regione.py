"""Pages of the region's reporting forms (regione host, under ``/modelli/``): the region's
own forms, which it configures, and the national ones, which it reads and may copy; the
rows of a form; a preview of the form filled from the plan of one of its zones."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from services.core.errors import AmbitoError, NotFound
from services.core.web import actor_of, form_error
from tenants.permissions import capability_required
from tenants.roles import Capability

from . import selectors, services
from .forms import AnteprimaForm, CopiaModelloForm, ModelloForm, RigaModelloForm
from .models import ModelloRendiconto
from .spesa import prospetto

MANAGE = Capability.MANAGE_MODELLI_RENDICONTO


def _regione(request: HttpRequest):
    return request.tenant.regione  # type: ignore[attr-defined]


def _modello(request: HttpRequest, public_id: UUID, *, write: bool = False) -> ModelloRendiconto:
    try:
        return selectors.get_modello_per_regione(_regione(request), str(public_id), write=write)
    except NotFound as exc:
        raise Http404 from exc


def _struttura(request: HttpRequest, public_id: UUID) -> ModelloRendiconto:
    """A form whose title and rows the region may change: its own, not an example."""
    modello = _modello(request, public_id, write=True)
    if modello.esempio:
        raise Http404
    return modello


def _detail(modello: ModelloRendiconto) -> str:
    return reverse("modello_regione_detail", kwargs={"public_id": modello.public_id})


def _form_page(request: HttpRequest, form: Any, *, title: str,
               modello: ModelloRendiconto | None = None) -> HttpResponse:
    return render(request, "piano/regione/modello_form.html",
                  {"form": form, "title": title, "modello": modello})


def _modificabile(request: HttpRequest, modello: ModelloRendiconto) -> bool:
    return modello.regione_istat == _regione(request).istat_code and not modello.esempio


def _righe(request: HttpRequest, modello: ModelloRendiconto,
           form: RigaModelloForm | None = None, errore: str = "") -> dict[str, Any]:
    can_edit = _modificabile(request, modello)
    return {"modello": modello, "righe": list(modello.righe.order_by("ordine")),
            "can_edit": can_edit, "riga_form": (form or RigaModelloForm()) if can_edit else None,
            "errore": errore}


def _anteprima(request: HttpRequest, modello: ModelloRendiconto) -> dict[str, Any]:
    """The form filled from a zone's plan: figures from the public reporting store only."""
    form = AnteprimaForm(request.GET or None, zone=selectors.zone_della_regione(_regione(request)))
    piano, compilate = None, None
    if form.is_valid() and form.cleaned_data.get("piano"):
        piano = form.cleaned_data["piano"]
        compilate = selectors.compila_modello(modello, prospetto(piano))
    return {"modello": modello, "anteprima": form, "piano": piano, "compilate": compilate}


@capability_required(MANAGE)
@require_GET
def modelli_list(request: HttpRequest) -> HttpResponse:
    regione = _regione(request)
    return render(request, "piano/regione/modelli_list.html", {
        "regione": regione, "modelli": selectors.modelli_della_regione(regione),
    })


@capability_required(MANAGE)
def modello_create(request: HttpRequest) -> HttpResponse:
    form = ModelloForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            modello = services.modello_create(actor=actor_of(request), regione=_regione(request),
                                              **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Modello creato: aggiungi le righe."))
            return redirect(_detail(modello))
    return _form_page(request, form, title=_("Nuovo modello di rendicontazione"))


@capability_required(MANAGE)
def modello_copy(request: HttpRequest) -> HttpResponse:
    regione = _regione(request)
    origini = selectors.modelli_da_copiare(regione)
    da = _uuid_or_none(request.GET.get("da", ""))
    form = CopiaModelloForm(request.POST or None, origini=origini,
                            initial={"origine": origini.filter(public_id=da).first() if da else None})
    if request.method == "POST" and form.is_valid():
        dati = dict(form.cleaned_data)
        try:
            modello = services.modello_copy(
                actor=actor_of(request), regione=regione, origine=dati.pop("origine"),
                codice=dati["codice"], titolo=dati["titolo"],
                descrizione=dati["descrizione"] or None)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Modello copiato: adattane le righe all'atto della "
                                        "regione."))
            return redirect(_detail(modello))
    return _form_page(request, form, title=_("Copia un modello"))


def _uuid_or_none(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


@capability_required(MANAGE)
def modello_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    modello = _struttura(request, public_id)
    form = ModelloForm(request.POST or None, codice=False,
                       initial={"titolo": modello.titolo, "descrizione": modello.descrizione})
    if request.method == "POST" and form.is_valid():
        try:
            services.modello_update(actor=actor_of(request), regione=_regione(request),
                                    modello=modello, **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            return redirect(_detail(modello))
    return _form_page(request, form, title=_("Modifica il modello"), modello=modello)


@capability_required(MANAGE)
def modello_delete(request: HttpRequest, public_id: UUID) -> HttpResponse:
    modello = _modello(request, public_id, write=True)
    if request.method == "POST":
        try:
            services.modello_delete(actor=actor_of(request), regione=_regione(request),
                                    modello=modello)
        except AmbitoError as exc:
            messages.error(request, str(exc))
            return redirect(_detail(modello))
        messages.success(request, _("Modello eliminato: gli ambiti non lo vedono più."))
        return redirect("modelli_regione")
    return render(request, "piano/regione/modello_delete.html",
                  {"modello": modello, "n_righe": modello.righe.count()})


@capability_required(MANAGE)
@require_GET
def modello_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    modello = _modello(request, public_id)
    regione = _regione(request)
    return render(request, "piano/regione/modello_detail.html", {
        **_righe(request, modello), **_anteprima(request, modello),
        "proprio": modello.regione_istat == regione.istat_code,
    })


@capability_required(MANAGE)
@require_GET
def modello_anteprima(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The preview alone, for htmx; without it, the whole page."""
    modello = _modello(request, public_id)
    if not request.htmx:  # type: ignore[attr-defined]
        query = request.GET.urlencode()
        return redirect(_detail(modello) + (f"?{query}" if query else "") + "#anteprima")
    return render(request, "piano/regione/_anteprima.html", _anteprima(request, modello))


def _dopo_riga(request: HttpRequest, modello: ModelloRendiconto,
               form: RigaModelloForm | None = None, *, errore: str = "") -> HttpResponse:
    """With htmx the rows section in place; otherwise back to the page, or the page with
    the row form's errors."""
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "piano/regione/_righe.html", _righe(request, modello, form, errore))
    if form is None:
        if errore:
            messages.error(request, errore)
        return redirect(_detail(modello) + "#righe")
    return render(request, "piano/regione/modello_detail.html", {
        **_righe(request, modello, form), **_anteprima(request, modello), "proprio": True,
    })


@capability_required(MANAGE)
@require_POST
def riga_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    modello = _struttura(request, public_id)
    form = RigaModelloForm(request.POST)
    if form.is_valid():
        try:
            services.riga_create(actor=actor_of(request), regione=_regione(request),
                                 modello=modello, **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            return _dopo_riga(request, modello)
    return _dopo_riga(request, modello, form)


@capability_required(MANAGE)
def riga_edit(request: HttpRequest, public_id: UUID, riga_id: UUID) -> HttpResponse:
    modello = _struttura(request, public_id)
    riga = _riga(modello, riga_id)
    iniziali = {k: getattr(riga, k) for k in services.RIGA_CAMPI}
    form = RigaModelloForm(request.POST or None, initial=iniziali)
    if request.method == "POST" and form.is_valid():
        try:
            services.riga_update(actor=actor_of(request), regione=_regione(request), riga=riga,
                                 **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            return redirect(_detail(modello) + "#righe")
    return _form_page(request, form, title=_("Modifica la riga"), modello=modello)


def _riga(modello: ModelloRendiconto, riga_id: UUID):
    try:
        return selectors.get_riga(modello, str(riga_id))
    except NotFound as exc:
        raise Http404 from exc


@capability_required(MANAGE)
@require_POST
def riga_move(request: HttpRequest, public_id: UUID, riga_id: UUID) -> HttpResponse:
    modello = _struttura(request, public_id)
    riga = _riga(modello, riga_id)
    try:
        services.riga_move(actor=actor_of(request), regione=_regione(request), riga=riga,
                           verso=request.POST.get("verso", ""))
    except AmbitoError as exc:
        return _dopo_riga(request, modello, errore=str(exc))
    return _dopo_riga(request, modello)


@capability_required(MANAGE)
@require_POST
def riga_delete(request: HttpRequest, public_id: UUID, riga_id: UUID) -> HttpResponse:
    modello = _struttura(request, public_id)
    riga = _riga(modello, riga_id)
    try:
        services.riga_delete(actor=actor_of(request), regione=_regione(request), riga=riga)
    except AmbitoError as exc:
        return _dopo_riga(request, modello, errore=str(exc))
    return _dopo_riga(request, modello)
