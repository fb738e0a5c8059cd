"""Pages of one PAI: drafting, goals, interventions, responsible operators, sending for
approval, reviews and conclusion. Every object comes through the access helpers of
``selectors`` (404 when the case is not the user's); every write goes through a service."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.cartella.models import Cartella
from services.cartella.selectors import get_cartella_for_user, is_enabled_on
from services.core.errors import AmbitoError
from services.core.web import actor_of, client_ip, form_error
from tenants.models import Membership, User
from tenants.permissions import capability_required, has_capability
from tenants.roles import Capability

from . import selectors
from . import services as svc
from .forms import (
    ChiusuraRichiestaForm,
    ConclusioneForm,
    InterventoForm,
    InvioForm,
    ObiettivoForm,
    PAIForm,
    ResponsabileForm,
    VerificaForm,
    VerificaProgrammaForm,
)
from .models import PAI


def _pai(request: HttpRequest, public_id: UUID, *, write: bool = False) -> PAI:
    return selectors.pai_for_user(request.user, public_id, write=write,
                                  ip_address=client_ip(request))


def _cartella_da_scrivere(request: HttpRequest, public_id: UUID) -> Cartella:
    """The case to write on. A closed or transferred case the user may still read comes
    back too, so the service refuses it with its own clear message instead of a 404."""
    try:
        return get_cartella_for_user(request.user, public_id, write=True,
                                     ip_address=client_ip(request))
    except Http404:
        cartella = get_cartella_for_user(request.user, public_id, ip_address=client_ip(request))
        if cartella.is_writable:  # open, but not this user's to change
            raise
        return cartella


def _operatori(request: HttpRequest) -> list[tuple[str, str]]:
    memberships = (Membership.objects.filter(ente=request.tenant, is_active=True)  # type: ignore[attr-defined]
                   .select_related("user").order_by("user__last_name", "user__first_name"))
    return [(str(m.user_id), f"{svc.label_of(m.user)} — {m.get_role_display()}")
            for m in memberships]


def _user(value: str) -> Any:
    return User.objects.filter(pk=value).first() if value else None


def _can_write(request: HttpRequest, pai: PAI) -> bool:
    return (has_capability(request, Capability.MANAGE_CARTELLA)
            and pai.cartella.is_writable and is_enabled_on(request.user, pai.cartella))


# --- the plan -------------------------------------------------------------------------------

@capability_required(Capability.MANAGE_CARTELLA)
def pai_new(request: HttpRequest, public_id: UUID) -> HttpResponse:
    cartella = _cartella_da_scrivere(request, public_id)
    form = PAIForm(request.POST or None,
                   initial={"data_inizio": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            pai = svc.pai_create(actor=actor_of(request), cartella=cartella, **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("PAI versione %(v)s creato in bozza: aggiungi obiettivi "
                                        "e interventi.") % {"v": pai.versione})
            return redirect("pai_edit", public_id=pai.public_id)
    return render(request, "pai/pai_form.html", {"form": form, "cartella": cartella, "pai": None})


def _detail_context(request: HttpRequest, pai: PAI) -> dict[str, Any]:
    can_write = _can_write(request, pai)
    pending = pai.verifiche.filter(data_effettuata__isnull=True).first()
    return {
        "pai": pai,
        "cartella": pai.cartella,
        "obiettivi": list(pai.obiettivi.all()),
        "interventi": list(pai.interventi.all()),
        "responsabili": list(pai.responsabili.all()),
        "verifiche": list(pai.verifiche.exclude(data_effettuata__isnull=True)
                          .order_by("-data_effettuata", "-id")),
        "verifica_in_agenda": pending,
        "approvazioni": list(pai.approvazioni.order_by("-richiesta_il", "-id")),
        "can_write": can_write,
        "oggi": timezone.localdate(),
        "invio_form": InvioForm(),
        "programma_form": VerificaProgrammaForm(
            initial={"data_prevista": pending.data_prevista if pending else None}),
        "conclusione_form": ConclusioneForm(initial={"data": timezone.localdate()}),
    }


@capability_required(Capability.VIEW_CARTELLA)
def pai_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    pai = _pai(request, public_id)
    return render(request, "pai/pai_detail.html", _detail_context(request, pai))


def _edit_context(request: HttpRequest, pai: PAI, **forms_: forms.Form) -> dict[str, Any]:
    operatori = _operatori(request)
    context = _detail_context(request, pai)
    context.update({
        "form": PAIForm(initial={"data_inizio": pai.data_inizio,
                                 "data_fine_prevista": pai.data_fine_prevista,
                                 "sintesi_bisogno": pai.sintesi_bisogno}),
        "obiettivo_form": ObiettivoForm(),
        "intervento_form": InterventoForm(operatori=operatori,
                                          initial={"dal": pai.data_inizio}),
        "responsabile_form": ResponsabileForm(operatori=operatori),
    })
    context.update(forms_)
    return context


def _editable_or_detail(request: HttpRequest, pai: PAI) -> HttpResponse | None:
    if pai.is_editable and pai.cartella.is_writable:
        return None
    messages.info(request, _("Il PAI è «%(stato)s»: non si può più modificare.")
                  % {"stato": pai.get_stato_display()})
    return redirect("pai_detail", public_id=pai.public_id)


@capability_required(Capability.MANAGE_CARTELLA)
def pai_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    pai = _pai(request, public_id, write=True)
    if (response := _editable_or_detail(request, pai)) is not None:
        return response
    if request.method == "POST":
        form = PAIForm(request.POST)
        if form.is_valid():
            try:
                svc.pai_update(actor=actor_of(request), pai=pai, **form.cleaned_data)
            except AmbitoError as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("Dati generali del PAI salvati."))
                return redirect("pai_edit", public_id=pai.public_id)
        return render(request, "pai/pai_edit.html", _edit_context(request, pai, form=form))
    return render(request, "pai/pai_edit.html", _edit_context(request, pai))


@require_POST
@capability_required(Capability.MANAGE_CARTELLA)
def obiettivo_add(request: HttpRequest, public_id: UUID) -> HttpResponse:
    pai = _pai(request, public_id, write=True)
    form = ObiettivoForm(request.POST)
    if form.is_valid():
        try:
            svc.obiettivo_add(actor=actor_of(request), pai=pai, **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Obiettivo aggiunto."))
            return redirect("pai_edit", public_id=pai.public_id)
    return render(request, "pai/pai_edit.html", _edit_context(request, pai, obiettivo_form=form))


@require_POST
@capability_required(Capability.MANAGE_CARTELLA)
def intervento_add(request: HttpRequest, public_id: UUID) -> HttpResponse:
    pai = _pai(request, public_id, write=True)
    form = InterventoForm(request.POST, operatori=_operatori(request))
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["responsabile"] = _user(data["responsabile"])
        try:
            svc.intervento_add(actor=actor_of(request), pai=pai, **data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Intervento aggiunto."))
            _avvisa_se_non_abilitato(request, pai, data["responsabile"])
            return redirect("pai_edit", public_id=pai.public_id)
    return render(request, "pai/pai_edit.html",
                  _edit_context(request, pai, intervento_form=form))


def _avvisa_se_non_abilitato(request: HttpRequest, pai: Any, user: Any) -> None:
    """A responsible who could not be enabled on the case now: say so and what to do."""
    from services.cartella.selectors import is_enabled_on

    if user is None or is_enabled_on(user, pai.cartella):
        return
    who = user.get_full_name() or user.email
    messages.warning(request, _(
        "%(who)s non è abilitato/a sulla cartella n. %(n)s e non potrà consultarla: "
        "abilitalo/a dalla pagina della cartella (se il suo ruolo consulta le cartelle) o "
        "chiedilo a chi segue il caso.") % {"who": who, "n": pai.cartella.numero})


@require_POST
@capability_required(Capability.MANAGE_CARTELLA)
def responsabile_add(request: HttpRequest, public_id: UUID) -> HttpResponse:
    pai = _pai(request, public_id, write=True)
    form = ResponsabileForm(request.POST, operatori=_operatori(request))
    if form.is_valid():
        try:
            user = _user(form.cleaned_data["user"])
            svc.responsabile_add(actor=actor_of(request), pai=pai, user=user,
                                 ruolo=form.cleaned_data["ruolo"])
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Responsabile aggiunto."))
            _avvisa_se_non_abilitato(request, pai, user)
            return redirect("pai_edit", public_id=pai.public_id)
    return render(request, "pai/pai_edit.html",
                  _edit_context(request, pai, responsabile_form=form))


def _remove(request: HttpRequest, getter: Any, remover: Any, kwarg: str,
            public_id: UUID, done: str) -> HttpResponse:
    child = getter(request.user, public_id, ip_address=client_ip(request))
    try:
        remover(actor=actor_of(request), **{kwarg: child})
    except AmbitoError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("pai_edit", public_id=child.pai.public_id)


@require_POST
@capability_required(Capability.MANAGE_CARTELLA)
def obiettivo_remove(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _remove(request, selectors.obiettivo_for_user, svc.obiettivo_remove, "obiettivo",
                   public_id, _("Obiettivo eliminato."))


@require_POST
@capability_required(Capability.MANAGE_CARTELLA)
def intervento_remove(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _remove(request, selectors.intervento_for_user, svc.intervento_remove, "intervento",
                   public_id, _("Intervento eliminato."))


@require_POST
@capability_required(Capability.MANAGE_CARTELLA)
def responsabile_remove(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _remove(request, selectors.responsabile_for_user, svc.responsabile_remove,
                   "responsabile", public_id, _("Responsabile rimosso."))


@require_POST
@capability_required(Capability.MANAGE_CARTELLA)
def pai_submit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    pai = _pai(request, public_id, write=True)
    form = InvioForm(request.POST)
    form.is_valid()
    try:
        svc.pai_submit(actor=actor_of(request), pai=pai, nota=form.cleaned_data.get("nota", ""))
    except AmbitoError as exc:
        messages.error(request, str(exc))
        return redirect("pai_edit" if pai.is_editable else "pai_detail", public_id=pai.public_id)
    if pai.stato == PAI.Stato.IN_APPROVAZIONE:
        messages.success(request, _("PAI inviato al dirigente per l'approvazione."))
    else:
        messages.success(request, _("PAI approvato: è il piano in vigore."))
    return redirect("pai_detail", public_id=pai.public_id)


@capability_required(Capability.MANAGE_CARTELLA)
def pai_conclude(request: HttpRequest, public_id: UUID) -> HttpResponse:
    pai = _pai(request, public_id, write=True)
    form = ConclusioneForm(request.POST or None, initial={"data": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            svc.pai_conclude(actor=actor_of(request), pai=pai, **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("PAI concluso."))
            return redirect("pai_detail", public_id=pai.public_id)
    return render(request, "pai/pai_conclude.html", {"pai": pai, "cartella": pai.cartella,
                                                     "form": form})


# --- reviews --------------------------------------------------------------------------------

@require_POST
@capability_required(Capability.MANAGE_CARTELLA)
def verifica_schedule(request: HttpRequest, public_id: UUID) -> HttpResponse:
    pai = _pai(request, public_id, write=True)
    form = VerificaProgrammaForm(request.POST)
    if form.is_valid():
        try:
            svc.verifica_schedule(actor=actor_of(request), pai=pai, **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Verifica messa in agenda."))
            return redirect("pai_detail", public_id=pai.public_id)
    context = _detail_context(request, pai)
    context["programma_form"] = form
    return render(request, "pai/pai_detail.html", context)


@capability_required(Capability.MANAGE_CARTELLA)
def verifica_record(request: HttpRequest, public_id: UUID) -> HttpResponse:
    pai = _pai(request, public_id, write=True)
    if pai.stato != PAI.Stato.APPROVATO:
        messages.info(request, _("Le verifiche riguardano il PAI in vigore."))
        return redirect("pai_detail", public_id=pai.public_id)
    obiettivi = list(pai.obiettivi.all())
    in_agenda = pai.verifiche.filter(data_effettuata__isnull=True).first()
    form = VerificaForm(request.POST or None, obiettivi=obiettivi,
                        initial={"data_effettuata": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            svc.verifica_record(actor=actor_of(request), pai=pai,
                                data_effettuata=form.cleaned_data["data_effettuata"],
                                esito=form.cleaned_data["esito"],
                                valutazioni=form.valutazioni(),
                                prossima=form.cleaned_data["prossima"])
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Verifica registrata."))
            return redirect("pai_detail", public_id=pai.public_id)
    return render(request, "pai/verifica_form.html", {
        "pai": pai, "cartella": pai.cartella, "form": form, "in_agenda": in_agenda,
    })


# --- from the case page ---------------------------------------------------------------------

@capability_required(Capability.MANAGE_CARTELLA)
def approvazione_chiusura_richiesta(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Ask the dirigente to close the case (public_id of the cartella)."""
    cartella = _cartella_da_scrivere(request, public_id)
    form = ChiusuraRichiestaForm(request.POST or None,
                                 initial={"data": timezone.localdate()})
    in_attesa = selectors.chiusura_in_attesa(cartella)
    if request.method == "POST" and form.is_valid():
        try:
            svc.approvazione_richiedi_chiusura(actor=actor_of(request), cartella=cartella,
                                               **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Richiesta di chiusura inviata al dirigente."))
            back = svc.comune_url("cartella_detail", cartella.public_id)
            return redirect(back or "cartella_dashboard")
    return render(request, "pai/chiusura_richiesta.html", {
        "cartella": cartella, "form": form, "in_attesa": in_attesa,
        "cartella_url": svc.comune_url("cartella_detail", cartella.public_id),
    })

