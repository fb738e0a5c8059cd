"""The piano di zona from a comune's side: its own share, on the comune's host."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tenants.permissions import capability_any
from tenants.roles import Capability

from .models import Piano
from .selectors import piani_della_zona
from .spesa import quota_del_comune


@capability_any(Capability.MANAGE_DETERMINE, Capability.VIEW_STATISTICHE)
def piano_comune(request: HttpRequest) -> HttpResponse:
    comune = request.tenant.comune  # type: ignore[attr-defined]
    piani = list(piani_della_zona(comune.zona).exclude(stato=Piano.Stato.BOZZA)) if comune.zona else []
    scelto = next((p for p in piani if str(p.public_id) == request.GET.get("piano")), None)
    piano = scelto or (piani[0] if piani else None)
    anni = list(range(piano.anno_inizio, piano.anno_fine + 1)) if piano else []
    esercizio = request.GET.get("esercizio", "")
    anno = int(esercizio) if esercizio.isdigit() and int(esercizio) in anni else None
    return render(request, "piano/comune.html", {
        "comune": comune,
        "piani": piani,
        "piano": piano,
        "anni": anni,
        "esercizio": anno,
        "quota": quota_del_comune(piano, comune, esercizio=anno) if piano else None,
    })
