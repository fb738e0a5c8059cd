"""Who reads a proceeding of the Tribunale per i minorenni: the social workers assigned to
it and the roles that see every case file of the comune. Pages get a proceeding only
through ``get_procedimento_for_user``, which answers the same 404 for missing and
forbidden and writes every read to the audit trail."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.core.audit import audit_log
from services.core.letture import AccessoNegato
from tenants.roles import Capability, permission_name

from .models import Convocato, OperatoreProcedimento, Procedimento, Udienza


def _can(user: Any, capability: str) -> bool:
    return bool(user.is_authenticated and user.has_perm(permission_name(capability)))


def vede_tutti(user: Any) -> bool:
    return _can(user, Capability.MANAGE_TRIBUNALE) and _can(user, Capability.VIEW_ALL_CARTELLE)


def procedimenti_visibili(user: Any) -> QuerySet[Procedimento]:
    if not _can(user, Capability.MANAGE_TRIBUNALE):
        return Procedimento.objects.none()
    qs = Procedimento.objects.all()
    if _can(user, Capability.VIEW_ALL_CARTELLE):
        return qs
    assegnato = OperatoreProcedimento.objects.filter(procedimento=OuterRef("pk"),
                                                     user_id=user.pk, al__isnull=True)
    return qs.filter(Exists(assegnato))


def get_procedimento_for_user(user: Any, public_id: Any, *,
                              ip_address: str | None = None) -> Procedimento:
    """The proceeding, or 404 whether it is missing or not this user's to read."""
    try:
        procedimento = procedimenti_visibili(user).filter(public_id=public_id).first()
    except (ValueError, TypeError, ValidationError):
        procedimento = None
    if procedimento is None:
        raise AccessoNegato("tribunale.procedimento", public_id)
    audit_log(action="procedimento.letto", actor=user, obj=procedimento, ip_address=ip_address)
    return procedimento


def procedimenti_elenco(user: Any) -> QuerySet[Procedimento]:
    """The list page: minors and assigned operators prefetched (a fixed number of queries)."""
    prossima = (Udienza.objects.filter(procedimento=OuterRef("pk"), stato=Udienza.Stato.FISSATA,
                                       inizio__gte=timezone.now())
                .order_by("inizio").values("inizio")[:1])
    qs = procedimenti_visibili(user).annotate(prossima_udienza=Subquery(prossima))
    return qs.prefetch_related(
        "minori",
        Prefetch("operatori", queryset=OperatoreProcedimento.objects.filter(al__isnull=True),
                 to_attr="operatori_attivi"),
    )


def operatori_attivi(procedimento: Procedimento) -> QuerySet[OperatoreProcedimento]:
    return procedimento.operatori.filter(al__isnull=True)


def udienze_di(procedimento: Procedimento) -> QuerySet[Udienza]:
    return procedimento.udienze.prefetch_related(
        Prefetch("convocati", queryset=Convocato.objects.select_related("persona")))


# --- the calendar of hearings ---------------------------------------------------------------


def lunedi(giorno: date) -> date:
    return giorno - timedelta(days=giorno.weekday())


def udienze_operatore(user_id: int, *, dal: date, al: date) -> QuerySet[Udienza]:
    """Hearings in [dal, al] an operator is summoned to or that belong to a proceeding they
    are assigned to, in time order (what the operator plans their outings with)."""
    tz = timezone.get_current_timezone()
    inizio = datetime.combine(dal, time.min, tzinfo=tz)
    fine = datetime.combine(al + timedelta(days=1), time.min, tzinfo=tz)
    convocato = Convocato.objects.filter(udienza=OuterRef("pk"), user_id=user_id)
    assegnato = OperatoreProcedimento.objects.filter(procedimento=OuterRef("procedimento"),
                                                     user_id=user_id, al__isnull=True)
    return (
        Udienza.objects.filter(inizio__gte=inizio, inizio__lt=fine)
        .filter(Exists(convocato) | Exists(assegnato))
        .select_related("procedimento").order_by("inizio", "id")
    )


def settimane(udienze: list[Udienza], dal: date, al: date) -> list[dict]:
    """The hearings grouped by week (Monday first) and by day, for the calendar page."""
    giorni: dict[date, list[Udienza]] = {}
    for u in udienze:
        giorni.setdefault(timezone.localtime(u.inizio).date(), []).append(u)
    result: list[dict] = []
    start = lunedi(dal)
    while start <= al:
        days = [start + timedelta(days=i) for i in range(7)]
        result.append({"lunedi": start, "domenica": days[-1],
                       "giorni": [{"giorno": d, "udienze": giorni.get(d, [])} for d in days
                                  if giorni.get(d)]})
        start += timedelta(days=7)
    return result



AZIONI = {
    "procedimento.registrato": _("Procedimento registrato"),
    "procedimento.decreto_aggiornato": _("Decreto aggiornato"),
    "procedimento.operatore_assegnato": _("Assistente sociale assegnato"),
    "procedimento.operatore_revocato": _("Assegnazione revocata"),
    "procedimento.chiuso": _("Procedimento chiuso"),
    "procedimento.problematica": _("Problematica registrata"),
    "procedimento.intervento_collegato": _("Intervento collegato"),
    "procedimento.documento_caricato": _("Documento caricato"),
    "procedimento.documento_scaricato": _("Documento scaricato"),
    "procedimento.cartella_aperta": _("Cartella sociale aperta"),
    "udienza.fissata": _("Udienza fissata"),
    "udienza.modificata": _("Udienza modificata"),
    "udienza.esito": _("Esito dell'udienza registrato"),
}


def attivita(procedimento: Procedimento, *, limit: int = 200) -> list[dict]:
    """What was done on the proceeding, newest first, from the audit trail (reads left out:
    they are for the dirigente's audit pages)."""
    from services.core.models import AuditEntry

    entries = (AuditEntry.objects.filter(object_type="tribunale.procedimento",
                                         object_id=str(procedimento.public_id))
               .exclude(action="procedimento.letto").order_by("-at", "-id")[:limit])
    return [{"at": e.at, "chi": e.actor_label, "azione": AZIONI.get(e.action, e.action)}
            for e in entries]


# The juvenile courts by region (ISTAT code), where a region has only one: a comune of
# that region registers its proceedings there unless it set otherwise. Regions with more
# than one court (Lombardia, Trentino-Alto Adige, Campania, Puglia, Calabria, Sicilia,
# Sardegna) have no default: the ente sets its own.
TRIBUNALI_PER_REGIONE = {
    "01": "Tribunale per i minorenni di Torino",
    "02": "Tribunale per i minorenni di Torino",
    "05": "Tribunale per i minorenni di Venezia",
    "06": "Tribunale per i minorenni di Trieste",
    "07": "Tribunale per i minorenni di Genova",
    "08": "Tribunale per i minorenni di Bologna",
    "09": "Tribunale per i minorenni di Firenze",
    "10": "Tribunale per i minorenni di Perugia",
    "11": "Tribunale per i minorenni di Ancona",
    "12": "Tribunale per i minorenni di Roma",
    "13": "Tribunale per i minorenni di L'Aquila",
    "14": "Tribunale per i minorenni di Campobasso",
    "17": "Tribunale per i minorenni di Potenza",
}


def _regione_istat() -> str:
    """The ISTAT code of the region of the ente whose schema is active ("" if unknown)."""
    from django.db import connection

    from tenants.models import Comune, Zona

    tenant = getattr(connection, "tenant", None)
    pk = getattr(tenant, "pk", None)
    if pk is None:
        return ""
    code = (Comune.objects.filter(ente_id=pk).values_list("zona__regione__istat_code", flat=True)
            .first()
            or Zona.objects.filter(ente_id=pk).values_list("regione__istat_code", flat=True)
            .first())
    return code or ""


def tribunale_predefinito() -> str:
    """The tribunal offered for a new proceeding: the ente's setting, otherwise the juvenile
    court of its region when there is only one, otherwise nothing."""
    from .models import Impostazioni

    scelto = Impostazioni.objects.values_list("tribunale_predefinito", flat=True).first()
    return scelto or TRIBUNALI_PER_REGIONE.get(_regione_istat(), "")
