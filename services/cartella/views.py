"""Pages of the case files: the list, the case page with its sections, the case history and
who read it. Every case comes through ``get_cartella_for_user``: 404 when it is not the
user's to read, whatever the reason. The POST actions of the case page are in
``views_azioni.py``; the review of the schede in ``views_schede.py``."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from services.anagrafica.models import CondizioneSociale, Riferimento
from services.anagrafica.selectors import current_household
from services.core.errors import NotFound
from services.core.letture import REFUSED
from services.core.text import fold
from services.core.web import actor_of, client_ip
from tenants.models import Membership
from tenants.permissions import capability_required, has_capability
from tenants.roles import ROLE_CAPABILITIES, Capability

from . import forms as f
from .documenti import documento_apri, documento_della_cartella
from .history import cartella_storia
from .models import Cartella
from .selectors import (
    audit_cartelle_page,
    can_change,
    can_contribute,
    cartelle_visibili,
    get_cartella_for_user,
    lettori_cartella,
    voci_diario_visibili,
)

PAI_TEMPLATE = "pai/_cartella_pai.html"
INVII_TEMPLATE = "invii/_cartella_invii.html"
SEZIONI_LABELS = [
    ("diario", _("Diario")),
    ("problematiche", _("Problematiche")),
    ("risorse", _("Risorse familiari")),
    ("dati-sociali", _("Dati sociali")),
    ("documenti", _("Documenti")),
    ("operatori", _("Operatori abilitati")),
    ("movimenti", _("Movimenti")),
    ("avvisi", _("Avvisi")),
]
SEZIONI = [key for key, _label in SEZIONI_LABELS]


def cartella_for(request: HttpRequest, public_id: Any, *, write: bool = False,
                 contribute: bool = False) -> Cartella:
    return get_cartella_for_user(request.user, public_id, write=write, contribute=contribute,
                                 ip_address=client_ip(request))


def detail_url(cartella: Cartella, sezione: str = "") -> str:
    url = reverse("cartella_detail", kwargs={"public_id": cartella.public_id})
    return f"{url}?sezione={sezione}#{sezione}" if sezione else url


def approvazione_url(cartella: Cartella) -> str | None:
    """Where to ask the dirigente to approve a closure, once the PAI app provides it."""
    try:
        return reverse("approvazione_chiusura_richiesta", kwargs={"public_id": cartella.public_id})
    except NoReverseMatch:
        return None


def _template_exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


# --- list ---------------------------------------------------------------------------------


@require_GET
@capability_required(Capability.VIEW_CARTELLA)
def cartella_list(request: HttpRequest) -> HttpResponse:
    form = f.CartellaFiltroForm(request.GET or None)
    cartelle = cartelle_visibili(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"] and fold(data["q"]):
            words = fold(data["q"]).split()
            for word in words:
                cartelle = cartelle.filter(persona__search_text__contains=word)
        if data["stato"]:
            cartelle = cartelle.filter(stato=data["stato"])
        if data["area"]:
            cartelle = cartelle.filter(area_target=data["area"])
    cartelle = cartelle.order_by("persona__cognome", "persona__nome", "id")
    page = Paginator(cartelle, 50).get_page(request.GET.get("pagina"))
    audit_cartelle_page(request.user, ip_address=client_ip(request),
                        filtro=form.cleaned_data if form.is_valid() else {},
                        righe=len(page.object_list), pagina=page.number)
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(request, "cartella/cartella_list.html",
                  {"form": form, "page": page, "query": query.urlencode(),
                   "filtered": any(request.GET.get(k) for k in ("q", "stato", "area"))})


# --- the case page ------------------------------------------------------------------------


def colleghi_abilitabili(request: HttpRequest, cartella: Cartella) -> list[Membership]:
    """Members of this comune who may read case files and are not enabled on this one."""
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if Capability.VIEW_CARTELLA in caps]
    enabled = set(cartella.operatori.filter(al__isnull=True).values_list("user_id", flat=True))
    return [
        m for m in Membership.objects.filter(ente=request.tenant, is_active=True,  # type: ignore[attr-defined]
                                             role__in=roles)
        .select_related("user").order_by("user__last_name", "user__first_name")
        if m.user_id not in enabled
    ]


def persone_collegate(cartella: Cartella) -> list:
    """People of the registry who may be a resource: household members and references."""
    persona = cartella.persona
    people = {m.persona_id: m.persona for m in current_household(persona)}
    for rif in Riferimento.objects.filter(persona=persona, al__isnull=True).select_related(
            "riferimento"):
        people[rif.riferimento_id] = rif.riferimento
    people.pop(persona.pk, None)
    return sorted(people.values(), key=lambda p: (p.cognome, p.nome))


def render_detail(request: HttpRequest, cartella: Cartella, *, sezione: str = "",
                  status: int = 200, **overrides: Any) -> HttpResponse:
    """The case page; a POST that failed passes its bound form (with errors) in
    ``overrides`` and the page opens on that form's section."""
    user = request.user
    can_manage = has_capability(request, Capability.MANAGE_CARTELLA)
    can_write = can_change(user, cartella)
    writable = can_write and cartella.is_writable
    # Educators and psychologists enabled on the case write the diary and add documents.
    contributable = can_contribute(user, cartella) and cartella.is_writable
    sezione = sezione if sezione in SEZIONI else request.GET.get("sezione", "diario")
    if sezione not in SEZIONI:
        sezione = "diario"
    persona = cartella.persona
    context: dict[str, Any] = {
        "cartella": cartella,
        "persona": persona,
        "sezione": sezione,
        "sezioni_labels": SEZIONI_LABELS,
        "can_write": can_write,
        "writable": writable,
        "contributable": contributable,
        "can_reopen": can_manage and cartella.stato != Cartella.Stato.APERTA
        and not cartella.sola_lettura,
        "can_read_audit": has_capability(request, Capability.VIEW_AUDIT),
        "diario": list(voci_diario_visibili(user, cartella)[:200]),
        "problematiche": list(cartella.problematiche.all()),
        "risorse": list(cartella.risorse_familiari.select_related("persona")
                        .order_by("al", "relazione", "id")),
        "condizioni": list(CondizioneSociale.objects.filter(persona=persona)
                           .order_by("ambito", "-rilevata_il", "-id")),
        "documenti": list(cartella.documenti.all()),
        "operatori": list(cartella.operatori.filter(al__isnull=True).order_by("dal", "id")),
        "operatori_passati": list(cartella.operatori.filter(al__isnull=False)
                                  .order_by("-al", "-id")),
        "movimenti": list(cartella.movimenti.order_by("-data", "-id")),
        "avvisi": list(cartella.avvisi.all()),
        "pai_template": PAI_TEMPLATE if _template_exists(PAI_TEMPLATE) else None,
        "invii_template": INVII_TEMPLATE if _template_exists(INVII_TEMPLATE) else None,
    }
    context["avvisi_da_leggere"] = sum(1 for a in context["avvisi"] if a.letto_il is None)
    if contributable:
        context.update(diario_form=f.VoceDiarioForm(), documento_form=f.DocumentoForm())
    if writable:
        context.update(
            diario_form=f.VoceDiarioForm(),
            problematica_form=f.ProblematicaForm(),
            chiusura_form=f.ChiusuraForm(),
            risorsa_form=f.RisorsaFamiliareForm(persone=persone_collegate(cartella)),
            condizione_form=f.CondizioneForm(),
            documento_form=f.DocumentoForm(),
            operatore_form=f.OperatoreForm(colleghi=colleghi_abilitabili(request, cartella)),
            sospendi_form=f.MovimentoForm(prefix="sospendi"),
            chiudi_form=f.MovimentoForm(prefix="chiudi"),
        )
    if context["can_reopen"]:
        context["riapri_form"] = f.MovimentoForm(prefix="riapri")
    context.update(overrides)
    return render(request, "cartella/cartella_detail.html", context, status=status)


@require_GET
@capability_required(Capability.VIEW_CARTELLA)
def cartella_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return render_detail(request, cartella_for(request, public_id))


@require_GET
@capability_required(Capability.VIEW_CARTELLA)
def cartella_documento_download(request: HttpRequest, public_id: Any, doc_id: Any) -> HttpResponse:
    cartella = cartella_for(request, public_id)
    documento = documento_della_cartella(cartella, doc_id)
    try:
        handle = documento_apri(actor=actor_of(request), documento=documento)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    response = FileResponse(handle, as_attachment=True, filename=documento.nome_originale,
                            content_type=documento.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response  # type: ignore[return-value]  # streamed: not an HttpResponse subclass


# --- history and readers ------------------------------------------------------------------


@require_GET
@capability_required(Capability.VIEW_CARTELLA)
def cartella_history(request: HttpRequest, public_id: Any) -> HttpResponse:
    cartella = cartella_for(request, public_id)
    storia = cartella_storia(cartella, request.user)
    return render(request, "cartella/cartella_history.html",
                  {"cartella": cartella, "persona": cartella.persona, "storia": storia,
                   "can_read_audit": has_capability(request, Capability.VIEW_AUDIT)})


@require_GET
@capability_required(Capability.VIEW_CARTELLA)
def cartella_readers(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Who read or changed the case, when, from which address. For the dirigente: a user
    who may not read the case gets the same 404 as everywhere else; one who reads it but may
    not consult the audit trail, 403."""
    from django.core.exceptions import PermissionDenied

    cartella = cartella_for(request, public_id)
    if not has_capability(request, Capability.VIEW_AUDIT):
        raise PermissionDenied
    entries = lettori_cartella(cartella)
    azione = request.GET.get("azione", "").strip()
    if azione == "letture":
        entries = entries.filter(Q(action="cartella.letta") | Q(action="documento.scaricato"))
    elif azione == "modifiche":
        entries = entries.exclude(action__in=["cartella.letta", "documento.scaricato", REFUSED])
    elif azione == "negati":
        entries = entries.filter(action=REFUSED)
    page = Paginator(entries, 50).get_page(request.GET.get("pagina"))
    return render(request, "cartella/cartella_readers.html",
                  {"cartella": cartella, "persona": cartella.persona, "page": page,
                   "azione": azione, "can_read_audit": True})
