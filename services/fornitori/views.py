"""Pages of providers, contracts and invoices (capability manage_fornitori; the dirigente
accepts invoices with discrepancies). Views only shape input and call the services."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from services.core.errors import AmbitoError
from services.core.web import actor_of, form_error
from services.interventi.models import TipoIntervento
from tenants.permissions import capability_required, has_capability
from tenants.roles import Capability

from . import forms as f
from . import selectors as s
from .models import Fattura
from .services import (
    RigaInput,
    contratto_create,
    fattura_accetta,
    fattura_contesta,
    fattura_create,
    fattura_ricontrolla,
    fornitore_create,
    fornitore_update,
)

MANAGE = Capability.MANAGE_FORNITORI


@capability_required(MANAGE)
def fornitori_list(request: HttpRequest) -> HttpResponse:
    return render(request, "fornitori/fornitori_list.html",
                  {"fornitori": list(s.fornitori_elenco())})


@require_http_methods(["GET", "POST"])
@capability_required(MANAGE)
def fornitore_new(request: HttpRequest) -> HttpResponse:
    form = f.FornitoreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            fornitore = fornitore_create(actor=actor_of(request), **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Fornitore registrato."))
            return redirect("fornitore_detail", public_id=fornitore.public_id)
    return render(request, "fornitori/form.html",
                  {"form": form, "title": _("Nuovo fornitore")},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@capability_required(MANAGE)
def fornitore_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    fornitore = s.get_fornitore(public_id)
    initial = {k: getattr(fornitore, k) for k in f.FornitoreForm.base_fields}
    form = f.FornitoreForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            fornitore_update(actor=actor_of(request), fornitore=fornitore, **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Dati del fornitore aggiornati."))
            return redirect("fornitore_detail", public_id=fornitore.public_id)
    return render(request, "fornitori/form.html",
                  {"form": form, "title": _("Modifica %(f)s") % {"f": fornitore},
                   "fornitore": fornitore}, status=400 if form.errors else 200)


@capability_required(MANAGE)
def fornitore_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    fornitore = s.get_fornitore(public_id)
    contratti = list(fornitore.contratti.select_related("servizio", "determina"))
    for c in contratti:
        c.importi = s.contratto_importi(c)  # type: ignore[attr-defined]
    return render(request, "fornitori/fornitore_detail.html", {
        "fornitore": fornitore, "contratti": contratti,
        "strutture": list(fornitore.strutture.all()),
        "fatture": list(s.fatture_elenco(stato="tutte", fornitore=fornitore)[:20]),
    })


@require_http_methods(["GET", "POST"])
@capability_required(MANAGE)
def contratto_new(request: HttpRequest, public_id: str) -> HttpResponse:
    fornitore = s.get_fornitore(public_id)
    form = f.ContrattoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contratto = contratto_create(actor=actor_of(request), fornitore=fornitore,
                                         **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Contratto registrato."))
            return redirect("contratto_detail", public_id=contratto.public_id)
    return render(request, "fornitori/form.html",
                  {"form": form, "title": _("Nuovo contratto con %(f)s") % {"f": fornitore},
                   "fornitore": fornitore}, status=400 if form.errors else 200)


@capability_required(MANAGE)
def contratto_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    contratto = s.get_contratto(public_id)
    return render(request, "fornitori/contratto_detail.html", {
        "contratto": contratto, "fornitore": contratto.fornitore,
        "importi": s.contratto_importi(contratto),
        "persone": s.interventi_del_contratto(contratto),
        "fatture": list(contratto.fatture.order_by("-competenza", "-id")),
    })


# --- fatture --------------------------------------------------------------------------------


@capability_required(MANAGE)
def fatture_list(request: HttpRequest) -> HttpResponse:
    form = f.FattureFiltroForm(request.GET or None)
    stato, fornitore = "", None
    if form.is_valid():
        stato, fornitore = form.cleaned_data["stato"], form.cleaned_data["fornitore"]
    page = Paginator(s.fatture_elenco(stato=stato, fornitore=fornitore), 50).get_page(
        request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(request, "fornitori/fatture_list.html",
                  {"form": form, "page": page, "query": query.urlencode(), "stato": stato})


@require_http_methods(["GET", "POST"])
@capability_required(MANAGE)
def fattura_new(request: HttpRequest) -> HttpResponse:
    """Step one chooses the contract (GET ?contratto=); step two is the invoice with one row
    per person served under that contract."""
    scelta = f.SceltaContrattoForm(request.GET if "contratto" in request.GET else None)
    if not scelta.is_valid():
        return render(request, "fornitori/fattura_scegli.html", {"scelta": scelta})
    contratto = scelta.cleaned_data["contratto"]
    unita = _("Ore") if contratto.servizio.tipo == TipoIntervento.DOMICILIARE else _("Giorni")
    interventi = s.interventi_del_contratto(contratto)
    post = request.POST if request.method == "POST" else None
    form = f.FatturaForm(post)
    righe = f.RigheFatturaForm(post, interventi=interventi, unita=unita)
    if request.method == "POST" and form.is_valid() and righe.is_valid():
        try:
            fattura = fattura_create(
                actor=actor_of(request), contratto=contratto,
                righe=[RigaInput(intervento=i, quantita=q, importo=imp, tariffa=t)
                       for i, q, imp, t in righe.valori()],
                **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            if fattura.discrepanze.exists():
                messages.warning(request, _("Fattura registrata: il controllo ha trovato "
                                            "discrepanze."))
            else:
                messages.success(request, _("Fattura registrata e verificata: nessuna "
                                            "discrepanza."))
            return redirect("fattura_detail", public_id=fattura.public_id)
    return render(request, "fornitori/fattura_form.html",
                  {"form": form, "righe": righe, "contratto": contratto, "unita": unita},
                  status=400 if (form.errors or righe.errors) else 200)


def _render_fattura(request: HttpRequest, fattura: Fattura, *, status: int = 200,
                    **forms: object) -> HttpResponse:
    context = {
        "fattura": fattura,
        "righe": list(fattura.righe.select_related("intervento__persona")
                      .prefetch_related("discrepanze")),
        "discrepanze": list(fattura.discrepanze.all()),
        "can_decide": has_capability(request, Capability.DECIDE_INTERVENTO),
        "accetta_form": f.MotivazioneForm(prefix="accetta"),
        "contesta_form": f.MotivazioneForm(prefix="contesta"),
    }
    context.update(forms)
    return render(request, "fornitori/fattura_detail.html", context, status=status)


@capability_required(MANAGE)
def fattura_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    return _render_fattura(request, s.get_fattura(public_id))


@require_POST
@capability_required(MANAGE)
def fattura_ricontrolla_view(request: HttpRequest, public_id: str) -> HttpResponse:
    fattura = s.get_fattura(public_id)
    try:
        fattura = fattura_ricontrolla(actor=actor_of(request), fattura=fattura)
    except AmbitoError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Controllo ripetuto: %(s)s.")
                         % {"s": fattura.get_stato_display().lower()})
    return redirect("fattura_detail", public_id=fattura.public_id)


@require_POST
@capability_required(Capability.DECIDE_INTERVENTO)
def fattura_accetta_view(request: HttpRequest, public_id: str) -> HttpResponse:
    fattura = s.get_fattura(public_id)
    form = f.MotivazioneForm(request.POST, prefix="accetta")
    if form.is_valid():
        try:
            fattura_accetta(actor=actor_of(request), fattura=fattura, **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Fattura accettata: può essere liquidata."))
            return redirect("fattura_detail", public_id=fattura.public_id)
    return _render_fattura(request, fattura, status=400, accetta_form=form)


@require_POST
@capability_required(MANAGE)
def fattura_contesta_view(request: HttpRequest, public_id: str) -> HttpResponse:
    fattura = s.get_fattura(public_id)
    form = f.MotivazioneForm(request.POST, prefix="contesta")
    if form.is_valid():
        try:
            fattura_contesta(actor=actor_of(request), fattura=fattura, **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Fattura contestata al fornitore."))
            return redirect("fattura_detail", public_id=fattura.public_id)
    return _render_fattura(request, fattura, status=400, contesta_form=form)
