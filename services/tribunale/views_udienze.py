"""The calendar of hearings per operator: by default the current user's, month by month,
listed week by week and day by day (what a social worker plans their outings with). Who
sees every case (the dirigente) may pick an operator. The .ics file carries the user's
own hearings for their phone's calendar, without the minors' names.

Every operator who may be summoned (the case-work roles, educators and psychologists
included: "gli interessati possono consultare gli orari di tutte le udienze") opens their
own calendar and .ics; the proceeding itself stays for those who may read it (the page
links only those)."""

from __future__ import annotations

from datetime import UTC, date, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from services.core.letture import audit_export, audit_list
from services.core.web import client_ip
from tenants.permissions import capability_required
from tenants.roles import Capability

from .selectors import procedimenti_visibili, settimane, udienze_operatore, vede_tutti
from .services import operatori_incaricabili


def _mese(value: str | None) -> date:
    oggi = timezone.localdate()
    try:
        anno, mese = (int(x) for x in (value or "").split("-", 1))
        return date(anno, mese, 1)
    except (ValueError, TypeError):
        return oggi.replace(day=1)


def _fine_mese(primo: date) -> date:
    return (primo.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


@require_GET
@capability_required(Capability.VIEW_CARTELLA)
def tribunale_udienze(request: HttpRequest) -> HttpResponse:
    user = request.user
    membri = operatori_incaricabili() if vede_tutti(user) else []
    operatore_id = int(user.pk or 0)
    scelto = request.GET.get("operatore", "")
    if membri and scelto.isdigit() and int(scelto) in {m.user_id for m in membri}:
        operatore_id = int(scelto)
    primo = _mese(request.GET.get("mese"))
    ultimo = _fine_mese(primo)
    udienze = list(udienze_operatore(operatore_id, dal=primo, al=ultimo))
    audit_list(user=user, action="udienza.calendario", ip_address=client_ip(request),
               filtro={"operatore": operatore_id, "dal": primo, "al": ultimo},
               righe=len(udienze))
    apribili = set(procedimenti_visibili(user).filter(
        pk__in={u.procedimento_id for u in udienze}).values_list("pk", flat=True))
    precedente = (primo - timedelta(days=1)).replace(day=1)
    successivo = ultimo + timedelta(days=1)
    operatore_label = next((m.user.get_full_name() or m.user.email for m in membri
                            if m.user_id == operatore_id), "")
    return render(request, "tribunale/udienze.html", {
        "settimane": settimane(udienze, primo, ultimo),
        "totale": len(udienze),
        "apribili": apribili,
        "mese": primo,
        "precedente": f"{precedente:%Y-%m}",
        "successivo": f"{successivo:%Y-%m}",
        "membri": membri,
        "operatore_id": operatore_id,
        "operatore_label": operatore_label,
        "oggi": timezone.localdate(),
    })


def _ics_text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """RFC 5545: lines longer than 75 octets are folded."""
    out, current = [], ""
    for ch in line:
        if len((current + ch).encode()) > 74:
            out.append(current)
            current = " " + ch
        else:
            current += ch
    out.append(current)
    return "\r\n".join(out)


@require_GET
@capability_required(Capability.VIEW_CARTELLA)
def tribunale_udienze_ics(request: HttpRequest) -> HttpResponse:
    oggi = timezone.localdate()
    dal, al = oggi - timedelta(days=30), oggi + timedelta(days=366)
    udienze = list(udienze_operatore(int(request.user.pk or 0), dal=dal, al=al))
    audit_export(user=request.user, ip_address=client_ip(request), export="udienze",
                 formato="ics", filtro={"operatore": request.user.pk, "dal": dal, "al": al},
                 righe=len(udienze))
    stamp = timezone.now().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    host = request.get_host().split(":")[0]
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Ambito//Udienze//IT",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{_ics_text(_('Udienze Tribunale per i minorenni'))}"]
    for u in udienze:
        inizio = u.inizio.astimezone(UTC)
        fine = inizio + timedelta(hours=1)
        summary = _("Udienza R.G. %(rg)s") % {"rg": u.procedimento.numero_rg}
        descrizione = u.procedimento.tribunale
        if u.giudice:
            descrizione += "\n" + _("Giudice: %(g)s") % {"g": u.giudice}
        lines += [
            "BEGIN:VEVENT",
            f"UID:{u.public_id}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{inizio:%Y%m%dT%H%M%SZ}",
            f"DTEND:{fine:%Y%m%dT%H%M%SZ}",
            f"SUMMARY:{_ics_text(summary)}",
            f"LOCATION:{_ics_text(u.luogo)}",
            f"DESCRIPTION:{_ics_text(descrizione)}",
            "STATUS:CANCELLED" if u.stato == u.Stato.ANNULLATA else "STATUS:CONFIRMED",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    body = "\r\n".join(_fold(line) for line in lines) + "\r\n"
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="udienze.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
