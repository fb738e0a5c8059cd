"""The person's interventions in the case history, with the amounts committed each year."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from services.cartella.history import TimelineEntry, comune_url, timeline_provider

from .models import ZERO, Intervento
from .selectors import puo_leggere
from .services import STATI_IMPEGNATI


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
    """One entry per year: what the approved interventions of that year commit, dated on
    the year's last intervention."""
    per_anno: dict[int, tuple[Decimal, Any]] = defaultdict(lambda: (ZERO, None))
    qs = Intervento.objects.filter(persona_id=cartella.persona_id, stato__in=STATI_IMPEGNATI)
    for i in qs.only("data_inizio", "proposto_il", "importo_totale", "stato"):
        quando = i.data_inizio or i.proposto_il
        totale, ultimo = per_anno[quando.year]
        per_anno[quando.year] = (totale + i.importo_totale,
                                 quando if ultimo is None or quando > ultimo else ultimo)
    for anno, (totale, ultimo) in per_anno.items():
        yield TimelineEntry(data=ultimo, title=_("Totale interventi %(a)s: %(t)s")
                            % {"a": anno, "t": _euro(totale)}, badge=_("totale"))
