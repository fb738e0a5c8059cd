"""Reads of referrals. A team member sees the referrals addressed to their teams (a summary:
who, which case number, the question) and reaches the case only once they accept and are
enabled on it through the usual gate, ``get_cartella_for_user``."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.http import Http404

from services.trasferimenti.models import RichiestaZonale, ServizioZonale
from tenants.models import Membership

from .models import Invio, ServizioSpecialistico

_DA_RICHIESTA: dict[str, str] = {RichiestaZonale.Stato.INVIATA: Invio.Stato.INVIATO,
                 RichiestaZonale.Stato.ACCOLTA: Invio.Stato.ACCOLTO,
                 RichiestaZonale.Stato.RESPINTA: Invio.Stato.RESPINTO,
                 RichiestaZonale.Stato.CONCLUSA: Invio.Stato.CONCLUSO,
                 RichiestaZonale.Stato.ANNULLATA: Invio.Stato.ANNULLATO}


def invii_della_cartella(cartella: Any) -> list[Invio]:
    """The case's referrals. For a zone service the state and the answer are those of the
    public request the zone office works on (read here, never copied back)."""
    invii = list(Invio.objects.filter(cartella=cartella).select_related("servizio"))
    richieste = {r.public_id: r for r in RichiestaZonale.objects.filter(
        public_id__in=[i.richiesta_zonale for i in invii if i.richiesta_zonale])}
    for invio in invii:
        r = richieste.get(invio.richiesta_zonale)  # type: ignore[arg-type]
        if r is not None:
            invio.stato = _DA_RICHIESTA[r.stato]
            invio.preso_da_label = r.gestita_da
            invio.risposta = r.risposta
            invio.risposto_da_label = r.gestita_da if r.risposta else ""
            invio.risposto_il = r.risposta_il
    return invii


def invii_ricevuti(user: Any) -> QuerySet[Invio]:
    return (Invio.objects.filter(servizio__membri__user_id=user.pk)
            .select_related("cartella__persona", "servizio").order_by("stato", "inviato_il", "id"))


def invio_ricevuto(user: Any, public_id: Any) -> Invio:
    invio = invii_ricevuti(user).filter(public_id=public_id).first()
    if invio is None:
        raise Http404
    return invio


def servizi_del_comune(*, attivi: bool = True) -> QuerySet[ServizioSpecialistico]:
    qs = ServizioSpecialistico.objects.prefetch_related("membri")
    return qs.filter(attivo=True) if attivi else qs


def servizi_della_zona_del_comune() -> QuerySet[ServizioZonale]:
    comune = getattr(connection.tenant, "comune", None)  # type: ignore[attr-defined]
    if comune is None:
        return ServizioZonale.objects.none()
    return ServizioZonale.objects.filter(zona_id=comune.zona_id, attivo=True)


def colleghi() -> list:
    """Operators of the current comune (for team membership)."""
    return [m.user for m in Membership.objects.filter(ente=connection.tenant, is_active=True)  # type: ignore[attr-defined]
            .select_related("user").order_by("user__last_name", "user__first_name")]


# --- zone office ------------------------------------------------------------------------------


def richieste_della_zona() -> QuerySet[RichiestaZonale]:
    zona = connection.tenant.zona  # type: ignore[attr-defined]
    return (RichiestaZonale.objects.filter(servizio__zona=zona)
            .select_related("servizio", "mittente").order_by("stato", "created_at"))


def richiesta_della_zona(public_id: Any) -> RichiestaZonale:
    richiesta = richieste_della_zona().filter(public_id=public_id).first()
    if richiesta is None:
        raise Http404
    return richiesta


def servizi_zonali() -> QuerySet[ServizioZonale]:
    return ServizioZonale.objects.filter(zona=connection.tenant.zona)  # type: ignore[attr-defined]
