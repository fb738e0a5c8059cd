"""The social worker's inbox: schede forwarded by the front office, to reject with a reason
or to take in charge."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from services.accesso.models import Consenso, SchedaAccesso
from services.accesso.selectors import get_scheda_for_user
from services.accesso.services import scheda_respingi
from services.core.errors import AmbitoError
from services.core.letture import audit_list
from tenants.permissions import capability_required
from tenants.roles import Capability

from . import forms as f
from .presa_in_carico import Esito, dati_per_valutazione, scheda_prendi_in_carico
from .selectors import schede_da_valutare
from .views import actor_of, client_ip, detail_url


def _scheda(request: HttpRequest, public_id: Any) -> SchedaAccesso:
    """Through the segretariato's helper: 404 if missing or not readable, read logged."""
    return get_scheda_for_user(request.user, public_id,
                               ip_address=client_ip(request))


@require_GET
@capability_required(Capability.MANAGE_CARTELLA)
def cartella_schede_da_valutare(request: HttpRequest) -> HttpResponse:
    page = Paginator(schede_da_valutare(), 50).get_page(request.GET.get("pagina"))
    audit_list(user=request.user, action="scheda.elenco", ip_address=client_ip(request),
               filtro={"stato": SchedaAccesso.Stato.INOLTRATA}, righe=len(page.object_list),
               pagina=page.number)
    return render(request, "cartella/schede_da_valutare.html", {"page": page})


def _render_valuta(request: HttpRequest, scheda: SchedaAccesso, *, respingi_form=None,
                   presa_form=None, problemi=None) -> HttpResponse:
    context = {
        "scheda": scheda,
        "respingi_form": respingi_form or f.RespingiForm(),
        "presa_form": presa_form or f.PresaInCaricoForm(scheda=scheda),
        "problemi": problemi or f.ProblematicaRigheFormSet(prefix="prob"),
        **dati_per_valutazione(scheda),
    }
    cartella = context["cartella_esistente"]
    if presa_form is None and cartella is not None:
        context["presa_form"] = f.PresaInCaricoForm(initial={"area_target": cartella.area_target},
                                                    scheda=scheda)
    return render(request, "cartella/scheda_valuta.html", context)


@require_GET
@capability_required(Capability.MANAGE_CARTELLA)
def cartella_scheda_valuta(request: HttpRequest, public_id: Any) -> HttpResponse:
    scheda = _scheda(request, public_id)
    if scheda.stato != SchedaAccesso.Stato.INOLTRATA:
        messages.info(request, _("La scheda n. %(n)s è già stata valutata (%(stato)s).")
                      % {"n": scheda.numero, "stato": scheda.get_stato_display()})
        return redirect("cartella_schede_da_valutare")
    return _render_valuta(request, scheda)


@require_POST
@capability_required(Capability.MANAGE_CARTELLA)
def cartella_scheda_respingi(request: HttpRequest, public_id: Any) -> HttpResponse:
    scheda = _scheda(request, public_id)
    form = f.RespingiForm(request.POST)
    if form.is_valid():
        try:
            scheda_respingi(actor=actor_of(request), scheda=scheda,
                            motivo=form.cleaned_data["motivo"])
        except AmbitoError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("Scheda n. %(n)s respinta.") % {"n": scheda.numero})
            return redirect("cartella_schede_da_valutare")
    return _render_valuta(request, scheda, respingi_form=form)


@require_POST
@capability_required(Capability.MANAGE_CARTELLA)
def cartella_scheda_prendi_in_carico(request: HttpRequest, public_id: Any) -> HttpResponse:
    scheda = _scheda(request, public_id)
    form = f.PresaInCaricoForm(request.POST, scheda=scheda)
    problemi = f.ProblematicaRigheFormSet(request.POST, prefix="prob")
    if form.is_valid() and problemi.is_valid():
        righe = [(row["categoria"], row.get("descrizione", "")) for row in problemi.cleaned_data
                 if row.get("categoria")]
        try:
            presa = scheda_prendi_in_carico(actor=actor_of(request), scheda=scheda,
                                            problematiche=righe, **form.service_kwargs())
        except AmbitoError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            if presa.cartella is None:
                messages.warning(request, _(
                    "Consenso negato al primo colloquio: registrato. Nessuna presa in carico; "
                    "la scheda n. %(n)s conserva solo ciò che le regole consentono.")
                    % {"n": scheda.numero})
                return redirect("accesso_detail", public_id=scheda.public_id)
            if presa.consenso is not None and presa.consenso.stato == Consenso.Stato.NEGATO:
                messages.info(request, _(
                    "Il diniego del consenso è registrato ma non ferma il servizio (mandato "
                    "dell'autorità giudiziaria o presunto pregiudizio)."))
            text = {
                Esito.APERTA: _("Presa in carico: aperta la cartella n. %(n)s."),
                Esito.RIAPERTA: _("Presa in carico: riaperta la cartella n. %(n)s."),
                Esito.COLLEGATA: _("La scheda è stata aggiunta alla cartella n. %(n)s."),
            }[presa.esito]
            messages.success(request, text % {"n": presa.cartella.numero})
            return redirect(detail_url(presa.cartella, "diario"))
    return _render_valuta(request, scheda, presa_form=form, problemi=problemi)
