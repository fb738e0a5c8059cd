"""The person's interventions in the case history, with the amounts committed each year."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from services.cartella.history import TimelineEntry, comune_url, timeline_provider

from .models import ZERO, Intervento
from .selectors import (
    LETTORI,
    pagato_per_anno,
    puo_leggere,
    totali_persona_per_anno,
    totali_persone_per_anno,
)


def _euro(value: Decimal) -> str:
    return f"{number_format(value, 2, force_grouping=True)} €"


def _household(cartella: Any) -> tuple[int, dict[int, Any]]:
    """The person's id and the other members of their current household (id -> membership)."""
    from services.anagrafica.selectors import current_household

    membri = {m.persona_id: m for m in current_household(cartella.persona)}
    membri.pop(cartella.persona_id, None)
    return cartella.persona_id, membri


@timeline_provider("intervento", gettext_lazy("Interventi"), order=60, persona_capabilities=LETTORI)
def interventi(cartella: Any, user: Any) -> Iterable[TimelineEntry]:
    """The interventions of the person and of the members of their current household."""
    link = puo_leggere(user)
    persona_id, membri = _household(cartella)
    qs = (Intervento.objects.filter(persona_id__in=[persona_id, *membri])
          .select_related("servizio", "persona").order_by("data_inizio", "id"))
    for i in qs:
        quando = i.data_inizio or i.proposto_il
        periodo = ""
        if i.data_fine and i.data_fine != i.data_inizio:
            periodo = _("fino al %(d)s") % {"d": i.data_fine.strftime("%d/%m/%Y")} + " · "
        importo = (_("%(m)s al mese") % {"m": _euro(i.importo_mensile)} + ", "
                   if i.importo_mensile else "")
        detail = periodo + importo + _("totale %(t)s") % {"t": _euro(i.importo_totale)}
        title = f"{i.servizio.nome} ({i.get_carattere_display().lower()})"
        if i.persona_id != persona_id:
            title += " " + _("(per %(who)s, %(rel)s)") % {
                "who": i.persona.nome_completo,
                "rel": membri[i.persona_id].get_relazione_display()}
        yield TimelineEntry(
            data=quando, title=title, detail=detail, badge=i.get_stato_display(),
            url=comune_url("intervento_detail", public_id=i.public_id) if link else "",
        )


@timeline_provider("intervento_totale", gettext_lazy("Importi per anno"), order=61,
                   persona_capabilities=LETTORI)
def interventi_per_anno(cartella: Any, user: Any) -> Iterable[TimelineEntry]:
    """One entry per year: what the approved interventions starting that year commit for
    the person, what was actually paid to them, and the same for the whole household,
    dated on the year's last start."""
    persona_id, membri = _household(cartella)
    pagato = pagato_per_anno([persona_id])
    nucleo = {r["anno"]: r for r in totali_persone_per_anno([persona_id, *membri])} if membri else {}
    for r in totali_persona_per_anno(persona_id):
        detail = [_("pagato %(p)s") % {"p": _euro(pagato.get(r["anno"], ZERO))}]
        if r["anno"] in nucleo:
            n = nucleo[r["anno"]]
            detail.append(_("nucleo familiare: %(t)s (%(n)s interventi)")
                          % {"t": _euro(n["totale"]), "n": n["numero"]})
        yield TimelineEntry(
            data=r["ultimo"], badge=_("totale"), detail=" · ".join(detail),
            title=_("Totale interventi %(a)s: %(t)s (%(n)s)")
            % {"a": r["anno"], "t": _euro(r["totale"]), "n": r["numero"]})
