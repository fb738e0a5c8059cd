"""The POST actions of the case page: each gets the case for writing (404 unless the user
may change case files and is enabled on this one), calls one service, then redirects back
to its section; on a refusal the page is shown again with the form and the reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.core.errors import AmbitoError
from services.core.upload import upload_limit
from tenants.permissions import capability_required, has_capability
from tenants.roles import Capability

from . import fascicolo
from . import forms as f
from .diario import voce_diario_crea
from .documenti import MAX_BYTES, documento_carica
from .models import AvvisoCartella, Cartella, Problematica, RisorsaFamiliare
from .services import (
    ApprovalRequired,
    cartella_chiudi,
    cartella_riapri,
    cartella_sospendi,
    operatore_abilita,
    operatore_disabilita,
)
from .views import (
    actor_of,
    approvazione_url,
    cartella_for,
    colleghi_abilitabili,
    detail_url,
    persone_collegate,
    render_detail,
)

Perform = Callable[[Cartella, dict], str]


def _add_error(form: forms.Form, exc: AmbitoError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


def _handle(request: HttpRequest, cartella: Cartella, *, form: forms.Form, form_name: str,
            sezione: str, perform: Perform) -> HttpResponse:
    bound: dict[str, Any] = {form_name: form}
    if form.is_valid():
        try:
            message = perform(cartella, form.cleaned_data)
        except ApprovalRequired as exc:
            _add_error(form, exc)
            return render_detail(request, cartella, sezione=sezione,
                                 approvazione_url=approvazione_url(cartella), **bound)
        except AmbitoError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, message)
            return redirect(detail_url(cartella, sezione))
    return render_detail(request, cartella, sezione=sezione, **bound)


def _azione(form_class: type[forms.Form], form_name: str, sezione: str, *,
            prefix: str | None = None, contribute: bool = False,
            form_kwargs: Callable[[HttpRequest, Cartella], dict] | None = None,
            ) -> Callable[[Callable[[HttpRequest, Cartella, dict], str]], Callable]:
    """Turn ``perform(request, cartella, data) -> success message`` into a POST view."""

    def decorator(perform: Callable[[HttpRequest, Cartella, dict], str]) -> Callable:
        @require_POST
        @capability_required(Capability.VIEW_CARTELLA)
        def view(request: HttpRequest, public_id: Any) -> HttpResponse:
            cartella = cartella_for(request, public_id, write=not contribute,
                                    contribute=contribute)
            kwargs = form_kwargs(request, cartella) if form_kwargs else {}
            form = form_class(request.POST, request.FILES, prefix=prefix, **kwargs)
            return _handle(request, cartella, form=form, form_name=form_name, sezione=sezione,
                           perform=lambda c, data: perform(request, c, data))

        view.__name__ = perform.__name__
        view.__doc__ = perform.__doc__
        return view

    return decorator


# --- diary, problems, resources, social data, documents -----------------------------------


@_azione(f.VoceDiarioForm, "diario_form", "diario", contribute=True)
def cartella_diario_add(request: HttpRequest, cartella: Cartella, data: dict) -> str:
    voce_diario_crea(actor=actor_of(request), cartella=cartella, **data)
    return _("Voce del diario registrata.")


@_azione(f.ProblematicaForm, "problematica_form", "problematiche")
def cartella_problematica_add(request: HttpRequest, cartella: Cartella, data: dict) -> str:
    fascicolo.problematica_registra(actor=actor_of(request), cartella=cartella, **data)
    return _("Problematica registrata.")


@_azione(f.RisorsaFamiliareForm, "risorsa_form", "risorse",
         form_kwargs=lambda request, cartella: {"persone": persone_collegate(cartella)})
def cartella_risorsa_add(request: HttpRequest, cartella: Cartella, data: dict) -> str:
    fascicolo.risorsa_familiare_aggiungi(actor=actor_of(request), cartella=cartella, **data)
    return _("Risorsa familiare registrata.")


@_azione(f.CondizioneForm, "condizione_form", "dati-sociali")
def cartella_condizione_add(request: HttpRequest, cartella: Cartella, data: dict) -> str:
    fascicolo.condizione_verificata_registra(actor=actor_of(request), cartella=cartella, **data)
    return _("Dato sociale verificato registrato.")


@upload_limit(MAX_BYTES)
@_azione(f.DocumentoForm, "documento_form", "documenti", contribute=True)
def cartella_documento_add(request: HttpRequest, cartella: Cartella, data: dict) -> str:
    documento = documento_carica(actor=actor_of(request), cartella=cartella,
                                 uploaded=data.pop("file"), **data)
    return _("Documento «%(name)s» caricato.") % {"name": documento.nome_originale}


# --- closing a problem or a resource ------------------------------------------------------


@require_POST
@capability_required(Capability.VIEW_CARTELLA)
def cartella_problematica_chiudi(request: HttpRequest, public_id: Any, item_id: Any) -> HttpResponse:
    cartella = cartella_for(request, public_id, write=True)
    problematica = Problematica.objects.filter(cartella=cartella, public_id=item_id).first()
    if problematica is None:
        raise Http404
    problematica.cartella = cartella

    def perform(c: Cartella, data: dict) -> str:
        fascicolo.problematica_chiudi(actor=actor_of(request), problematica=problematica,
                                      chiusa_il=data["data"])
        return _("Problematica segnata come superata.")

    return _handle(request, cartella, form=f.ChiusuraForm(request.POST), form_name="chiusura_form",
                   sezione="problematiche", perform=perform)


@require_POST
@capability_required(Capability.VIEW_CARTELLA)
def cartella_risorsa_chiudi(request: HttpRequest, public_id: Any, item_id: Any) -> HttpResponse:
    cartella = cartella_for(request, public_id, write=True)
    risorsa = RisorsaFamiliare.objects.filter(cartella=cartella, public_id=item_id).first()
    if risorsa is None:
        raise Http404
    risorsa.cartella = cartella

    def perform(c: Cartella, data: dict) -> str:
        fascicolo.risorsa_familiare_chiudi(actor=actor_of(request), risorsa=risorsa,
                                           al=data["data"])
        return _("Risorsa segnata come non più disponibile.")

    return _handle(request, cartella, form=f.ChiusuraForm(request.POST), form_name="chiusura_form",
                   sezione="risorse", perform=perform)


# --- operators enabled on the case --------------------------------------------------------


@_azione(f.OperatoreForm, "operatore_form", "operatori",
         form_kwargs=lambda request, cartella: {"colleghi": colleghi_abilitabili(request, cartella)})
def cartella_operatore_add(request: HttpRequest, cartella: Cartella, data: dict) -> str:
    user = data["user"]
    operatore_abilita(actor=actor_of(request), cartella=cartella, user=user,
                      ruolo=data["ruolo"], dal=data["dal"])
    return _("%(who)s è ora abilitato/a sul caso.") % {
        "who": user.get_full_name() or user.email}


@require_POST
@capability_required(Capability.VIEW_CARTELLA)
def cartella_operatore_remove(request: HttpRequest, public_id: Any, user_id: int) -> HttpResponse:
    cartella = cartella_for(request, public_id, write=True)
    operatore = cartella.operatori.filter(user_id=user_id, al__isnull=True).first()
    if operatore is None:
        raise Http404
    try:
        operatore_disabilita(actor=actor_of(request), cartella=cartella, user_id=user_id,
                             al=timezone.localdate())
    except AmbitoError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(who)s non è più abilitato/a sul caso.")
                         % {"who": operatore.user_label})
    return redirect(detail_url(cartella, "operatori"))


# --- movements: suspend, close, reopen ----------------------------------------------------


@_azione(f.MovimentoForm, "sospendi_form", "movimenti", prefix="sospendi")
def cartella_sospendi_view(request: HttpRequest, cartella: Cartella, data: dict) -> str:
    cartella_sospendi(actor=actor_of(request), cartella=cartella, **data)
    return _("Cartella sospesa.")


@_azione(f.MovimentoForm, "chiudi_form", "movimenti", prefix="chiudi")
def cartella_chiudi_view(request: HttpRequest, cartella: Cartella, data: dict) -> str:
    cartella_chiudi(actor=actor_of(request), cartella=cartella, **data)
    return _("Cartella chiusa.")


@require_POST
@capability_required(Capability.VIEW_CARTELLA)
def cartella_riapri_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    """A closed case is no longer anyone's to change, so reopening needs only to read it
    (the dirigente sees every case) and the capability to manage case files."""
    cartella = cartella_for(request, public_id)
    if not has_capability(request, Capability.MANAGE_CARTELLA):
        raise Http404

    def perform(c: Cartella, data: dict) -> str:
        cartella_riapri(actor=actor_of(request), cartella=c, **data)
        return _("Cartella riaperta.")

    return _handle(request, cartella, form=f.MovimentoForm(request.POST, prefix="riapri"),
                   form_name="riapri_form", sezione="movimenti", perform=perform)


# --- notices ------------------------------------------------------------------------------


@require_POST
@capability_required(Capability.VIEW_CARTELLA)
def cartella_avviso_letto(request: HttpRequest, public_id: Any, item_id: Any) -> HttpResponse:
    """Anyone who reads the case may acknowledge a notice: it changes nothing of the case."""
    cartella = cartella_for(request, public_id)
    avviso = AvvisoCartella.objects.filter(cartella=cartella, public_id=item_id).first()
    if avviso is None:
        raise Http404
    avviso.cartella = cartella
    fascicolo.avviso_segna_letto(actor=actor_of(request), avviso=avviso)
    messages.success(request, _("Avviso segnato come letto."))
    return redirect(detail_url(cartella, "avvisi"))
