"""Pages of the reporting store: the zone's (ufficio di piano), the region's and a comune's.
Every figure is read from the public-schema store; no page enters a comune's schema."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from services.core.web import actor_of
from tenants.models import Comune, Zona
from tenants.permissions import capability_required
from tenants.roles import Capability

from . import selectors
from .export import ReportZonaExporter
from .models import Aggiornamento
from .services import aggiornamenti_segna_interrotti, aggiornamento_avvia


def _anno(request: HttpRequest, anni: list[int]) -> int | None:
    """?anno=2025; "tutti" for every year; by default the latest year with data."""
    raw = request.GET.get("anno", "")
    if raw == "tutti":
        return None
    if raw.isdigit() and int(raw) in anni:
        return int(raw)
    return anni[0] if anni else None


@capability_required(Capability.VIEW_ZONE_REPORTS)
def statistiche_zona(request: HttpRequest) -> HttpResponse:
    zona = request.tenant.zona  # type: ignore[attr-defined]
    versione = selectors.versione_zona(zona)
    anni = selectors.in_cache("anni", versione, lambda: selectors.anni_disponibili(
        zona.comuni.values_list("pk", flat=True)))
    anno = _anno(request, anni)
    report = selectors.in_cache(f"zona:{anno}", versione, lambda: selectors.report_zona(zona, anno))
    if request.GET.get("formato") == "xlsx":
        return ReportZonaExporter(report, zona.code).response(
            "xlsx", actor=actor_of(request), filtro={"anno": anno or "tutti"})
    return render(request, "statistiche/zona.html", {"zona": zona, "report": report})


@capability_required(Capability.VIEW_ZONE_REPORTS)
def statistiche_multicomune(request: HttpRequest) -> HttpResponse:
    zona = request.tenant.zona  # type: ignore[attr-defined]
    anni = selectors.anni_disponibili(zona.comuni.values_list("pk", flat=True))
    anno = _anno(request, anni)
    return render(request, "statistiche/multicomune.html", {
        "zona": zona, "anno": anno, "anni": anni, "dati": selectors.multicomune(zona, anno),
    })


@capability_required(Capability.VIEW_ZONE_REPORTS)
def statistiche_attesa(request: HttpRequest) -> HttpResponse:
    zona = request.tenant.zona  # type: ignore[attr-defined]
    righe = selectors.liste_attesa(zona, timezone.localdate())
    return render(request, "statistiche/attesa.html", {
        "zona": zona, "righe": righe, "totale": selectors.domande_in_attesa(zona),
        "soglia": selectors.soglia(),
    })


@require_http_methods(["GET", "POST"])
@capability_required(Capability.VIEW_ZONE_REPORTS)
def statistiche_aggiornamenti(request: HttpRequest) -> HttpResponse:
    zona = request.tenant.zona  # type: ignore[attr-defined]
    if request.method == "POST":
        return _avvia(request, zona)
    aggiornamenti_segna_interrotti(zona_id=zona.pk)  # a worker that died shows as such
    stati = selectors.aggiornamenti(zona)
    template = "statistiche/_aggiornamenti.html" if request.headers.get("HX-Request") \
        else "statistiche/aggiornamenti.html"
    return render(request, template, {"zona": zona, "stati": stati,
                                      "in_corso": _in_corso(stati)})


def _in_corso(stati: list[tuple[selectors.Fonte, Aggiornamento | None]]) -> bool:
    return any(agg is not None and not agg.is_finished for _, agg in stati)


def _avvia(request: HttpRequest, zona: Zona) -> HttpResponse:
    # Queued from the zone's schema: the tasks move to the public schema by themselves.
    aggiornamento_avvia(actor=actor_of(request), zona=zona,
                        completo=request.POST.get("completo") == "1")
    stati = selectors.aggiornamenti(zona)
    return render(request, "statistiche/_aggiornamenti.html",
                  {"zona": zona, "stati": stati, "in_corso": _in_corso(stati)})


@capability_required(Capability.VIEW_REGION_INDICATORS)
def indicatori_regione(request: HttpRequest) -> HttpResponse:
    regione = request.tenant.regione  # type: ignore[attr-defined]
    ids = list(Comune.objects.filter(zona__regione=regione).values_list("pk", flat=True))
    v = selectors.versione_regione(regione)
    anni = selectors.in_cache("anni", v, lambda: selectors.anni_disponibili(ids))
    anno = _anno(request, anni)
    dati = selectors.in_cache(f"regione:{anno}", v,
                              lambda: selectors.indicatori_regione(regione, anno))
    return render(request, "statistiche/regione.html", {
        "regione": regione, "dati": dati, "anni": anni,
        "per_area": _tabella(dati.per_area, [(a, selectors.AREE[a]) for a in dati.per_area.colonne],
                             dati.etichette_zone),
        "trend": _tabella(dati.trend, [(a, str(a)) for a in dati.trend.colonne],
                          dati.etichette_zone),
    })


def _tabella(t: selectors.Tabella, colonne: list[tuple[object, str]],
             righe: dict[int, str]) -> dict[str, object]:
    """Rows of (label, [(value or None, primary?)...], total) ready for the template."""
    from .suppression import TOTALE

    def cella(r: object, c: object) -> dict[str, object]:
        return {"valore": t.mostra(r, c), "primaria": (r, c) in t.primarie}

    return {
        "colonne": [label for _, label in colonne],
        "righe": [
            {"etichetta": righe[r], "celle": [cella(r, c) for c, _ in colonne],  # type: ignore[index]
             "totale": cella(r, TOTALE)}
            for r in t.righe
        ],
        "totali": [cella(TOTALE, c) for c, _ in colonne],
        "totale": cella(TOTALE, TOTALE),
    }


@capability_required(Capability.VIEW_STATISTICHE)
def statistiche_comune(request: HttpRequest) -> HttpResponse:
    comune = request.tenant.comune  # type: ignore[attr-defined]
    ids = list(Comune.objects.filter(zona_id=comune.zona_id).values_list("pk", flat=True))
    v = selectors.versione_zona(comune.zona_id)
    anni = selectors.in_cache("anni", v, lambda: selectors.anni_disponibili(ids))
    anno = _anno(request, anni)
    dati = selectors.in_cache(f"comune:{comune.pk}:{anno}", v,
                              lambda: selectors.confronto_comune(comune, anno))
    return render(request, "statistiche/comune.html", {"comune": comune, "dati": dati})
