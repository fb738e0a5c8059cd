"""The case history on one page: everything that happened, newest first, grouped by year.

Each kind of event comes from a *provider*: a function ``(cartella, user) -> entries``
registered with ``@timeline_provider(kind, label)``. This module registers accessi,
movements, diary and documents; any installed app adds its own kind (PAI, interventions,
amounts...) in a ``timeline.py`` module of its own, imported automatically at first use:

    from services.cartella.history import TimelineEntry, timeline_provider

    @timeline_provider("intervento", _("Interventi"), order=60)
    def interventi(cartella, user):
        for i in Intervento.objects.filter(cartella=cartella):
            yield TimelineEntry(data=i.dal, title=..., detail=...)

A provider reads a case the caller already obtained through ``get_cartella_for_user``, and
filters what ``user`` may not see (private diary entries).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from services.accesso.models import SchedaAccesso
from services.anagrafica.selectors import current_household
from tenants.roles import Capability, permission_name

from .models import Cartella, Documento, MovimentoCartella
from .selectors import voci_diario_visibili


@dataclass(frozen=True)
class TimelineEntry:
    data: date
    title: str
    detail: str = ""
    url: str = ""
    badge: str = ""
    kind: str = ""  # filled in from the provider
    kind_label: str = ""


Provider = Callable[[Cartella, Any], Iterable[TimelineEntry]]


@dataclass(frozen=True)
class _Registered:
    kind: str
    label: Any
    order: int
    provider: Provider
    # Person-level kinds (they read only ``cartella.persona``) also make the person's page
    # of someone without a case file; each is shown to users with one of these capabilities.
    persona_capabilities: tuple[str, ...] = ()


_PROVIDERS: dict[str, _Registered] = {}
_discovered: list[bool] = []


def timeline_provider(kind: str, label: Any, *, order: int = 100,
                      persona_capabilities: Iterable[str] = ()) -> Callable[[Provider], Provider]:
    """Register a provider of timeline entries of one kind (re-registering replaces it).

    With ``persona_capabilities`` the provider is person-level: it reads only
    ``cartella.persona`` / ``cartella.persona_id`` (so it also runs for a person without a
    case file, see ``persona_storia``) and its entries are for users holding one of them."""

    def decorator(fn: Provider) -> Provider:
        _PROVIDERS[kind] = _Registered(kind, label, order, fn, tuple(persona_capabilities))
        return fn

    return decorator


def providers() -> list[_Registered]:
    if not _discovered:
        autodiscover_modules("timeline")
        _discovered.append(True)
    return sorted(_PROVIDERS.values(), key=lambda p: (p.order, p.kind))


@dataclass
class Anno:
    anno: int
    entries: list[TimelineEntry] = field(default_factory=list)
    counts: list[tuple[str, str, int]] = field(default_factory=list)  # kind, label, n


@dataclass
class Storia:
    anni: list[Anno]
    totali: list[tuple[str, str, int]]  # every registered kind, zero included

    @property
    def vuota(self) -> bool:
        return not self.anni


def comune_url(name: str, **kwargs: Any) -> str:
    """A page of the comune site, also outside a request; empty if it does not exist."""
    try:
        return reverse(name, kwargs=kwargs,
                       urlconf=str(settings.TENANT_TYPES["comune"]["URLCONF"]))
    except NoReverseMatch:
        return ""


def _day(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def cartella_storia(cartella: Cartella, user: Any) -> Storia:
    return _storia(cartella, user, providers())


@dataclass(frozen=True)
class PersonaSenzaCartella:
    """What a person-level provider reads of a case, for a person who has none (or one the
    user may not open)."""

    persona: Any

    @property
    def persona_id(self) -> int:
        return int(self.persona.pk)


def _may(user: Any, capabilities: tuple[str, ...]) -> bool:
    return bool(user.is_authenticated
                and any(user.has_perm(permission_name(c)) for c in capabilities))


def persona_storia(persona: Any, user: Any, cartella: Cartella | None = None) -> Storia:
    """The person's page: the same providers as the case history, limited to what concerns
    the person and their household (contacts, applications and their outcomes,
    interventions active and concluded, what was committed and paid each year), each kind
    only for the users whose capabilities reach it. With ``cartella`` — the person's case
    file, already obtained through ``get_cartella_for_user`` — its documents come too."""
    scope: Any = cartella if cartella is not None else PersonaSenzaCartella(persona)
    chosen = [r for r in providers()
              if (r.persona_capabilities and _may(user, r.persona_capabilities))
              or (cartella is not None and r.kind == "documento")]
    return _storia(scope, user, chosen)


def _storia(cartella: Any, user: Any, registered: list[_Registered]) -> Storia:
    entries: list[TimelineEntry] = []
    for reg in registered:
        for entry in reg.provider(cartella, user):
            entries.append(replace(entry, data=_day(entry.data), kind=reg.kind,
                                   kind_label=str(reg.label)))
    entries.sort(key=lambda e: e.data, reverse=True)
    by_year: dict[int, list[TimelineEntry]] = defaultdict(list)
    for entry in entries:
        by_year[entry.data.year].append(entry)
    anni = []
    for year in sorted(by_year, reverse=True):
        counter = Counter(e.kind for e in by_year[year])
        anni.append(Anno(year, by_year[year],
                         [(r.kind, str(r.label), counter[r.kind]) for r in registered
                          if counter[r.kind]]))
    totals = Counter(e.kind for e in entries)
    return Storia(anni, [(r.kind, str(r.label), totals[r.kind]) for r in registered])


# --- the kinds this app knows -------------------------------------------------------------


@timeline_provider("accesso", gettext_lazy("Accessi"), order=10,
                   persona_capabilities=(Capability.VIEW_CARTELLA,))
def _accessi(cartella: Cartella, user: Any) -> Iterable[TimelineEntry]:
    """Every contact with the front office, of the person and of the members of their
    current household."""
    persona = cartella.persona
    relazioni = {m.persona_id: m for m in current_household(persona)}
    ids = {persona.pk, *relazioni}
    schede = (SchedaAccesso.objects.filter(utente_id__in=ids).select_related("utente")
              .order_by("-data"))
    for scheda in schede:
        title = _("Scheda di accesso n. %(n)s — %(chi)s") % {
            "n": scheda.numero, "chi": scheda.get_interlocutore_tipo_display()}
        if scheda.utente is not None and scheda.utente_id != persona.pk:
            membro = relazioni[scheda.utente.pk]
            title += " " + _("(per %(who)s, %(rel)s)") % {
                "who": scheda.utente.nome_completo, "rel": membro.get_relazione_display()}
        detail = scheda.bisogno_espresso or scheda.servizio_richiesto
        if scheda.motivo_esito:
            detail = f"{detail}\n{scheda.motivo_esito}".strip()
        yield TimelineEntry(data=scheda.data, title=title, detail=detail,
                            badge=scheda.get_esito_display() or scheda.get_stato_display())


@timeline_provider("movimento", gettext_lazy("Movimenti della cartella"), order=20)
def _movimenti(cartella: Cartella, user: Any) -> Iterable[TimelineEntry]:
    for m in MovimentoCartella.objects.filter(cartella=cartella).order_by("data", "id"):
        yield TimelineEntry(data=m.data, title=m.get_tipo_display(), detail=m.motivo,
                            badge=m.operatore_label)


@timeline_provider("diario", gettext_lazy("Diario"), order=30)
def _diario(cartella: Cartella, user: Any) -> Iterable[TimelineEntry]:
    for voce in voci_diario_visibili(user, cartella):
        yield TimelineEntry(data=voce.data, title=voce.get_tipo_display(), detail=voce.testo,
                            badge=_("riservata") if voce.riservata else voce.autore_label)


@timeline_provider("documento", gettext_lazy("Documenti"), order=40)
def _documenti(cartella: Cartella, user: Any) -> Iterable[TimelineEntry]:
    for doc in Documento.objects.filter(cartella=cartella):
        url = comune_url("cartella_documento_download", public_id=cartella.public_id,
                         doc_id=doc.public_id)
        protocollo = _("prot. %(n)s") % {"n": doc.numero_protocollo} if doc.numero_protocollo else ""
        yield TimelineEntry(data=doc.data, title=f"{doc.get_tipo_display()}: {doc.nome_originale}",
                            detail=doc.descrizione, url=url, badge=protocollo)


@timeline_provider("pai", gettext_lazy("PAI"), order=50)
def _pai(cartella: Cartella, user: Any) -> Iterable[TimelineEntry]:
    """The care plans, when the PAI app is installed (it may replace this provider with a
    richer one of its own in ``services/pai/timeline.py``)."""
    if not apps.is_installed("services.pai"):
        return
    try:
        PAI = apps.get_model("pai", "PAI")  # noqa: N806
    except LookupError:
        return
    for pai in PAI.objects.filter(cartella=cartella).order_by("versione"):
        url = comune_url("pai_detail", public_id=pai.public_id)
        yield TimelineEntry(
            data=pai.data_inizio,
            title=_("PAI versione %(v)s") % {"v": pai.versione},
            detail=getattr(pai, "sintesi_bisogno", ""),
            url=url,
            badge=pai.get_stato_display(),
        )
