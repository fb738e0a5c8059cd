"""The person's interventions in the case history, with the amounts committed each year."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from services.cartella.history import TimelineEntry, comune_url, timeline_provider

from .models import Intervento
from .selectors import puo_leggere, totali_persona_per_anno


def _euro(value: Decimal) -> str:
    return f"{number_format(value, 2, force_grouping=True)} €"


@timeline_provider("intervento", gettext_lazy("Interventi"), order=60)
def interventi(cartella: Any, user: Any) -> Iterable[TimelineEntry]:
    link = puo_leggere(user)
    qs = (Intervento.objects.filter(persona_id=cartella.persona_id).select_related("servizio")
          .order_by("data_inizio", "id"))
    for i in qs:
        quando = i.data_inizio or i.proposto_il
        periodo = ""
        if i.data_fine and i.data_fine != i.data_inizio:
            periodo = _("fino al %(d)s") % {"d": i.data_fine.strftime("%d/%m/%Y")} + " · "
        importo = (_("%(m)s al mese") % {"m": _euro(i.importo_mensile)} + ", "
                   if i.importo_mensile else "")
        detail = periodo + importo + _("totale %(t)s") % {"t": _euro(i.importo_totale)}
        yield TimelineEntry(
            data=quando, title=f"{i.servizio.nome} ({i.get_carattere_display().lower()})",
            detail=detail, badge=i.get_stato_display(),
            url=comune_url("intervento_detail", public_id=i.public_id) if link else "",
        )


@timeline_provider("intervento_totale", gettext_lazy("Importi per anno"), order=61)
def interventi_per_anno(cartella: Any, user: Any) -> Iterable[TimelineEntry]:
    """One entry per year: what the approved interventions starting that year commit,
    dated on the year's last start."""
    for r in totali_persona_per_anno(cartella.persona_id):
        yield TimelineEntry(
            data=r["ultimo"], badge=_("totale"),
            title=_("Totale interventi %(a)s: %(t)s (%(n)s)")
            % {"a": r["anno"], "t": _euro(r["totale"]), "n": r["numero"]})
