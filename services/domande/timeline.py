"""The applications of the person and of their household in the case history."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from services.anagrafica.selectors import current_household
from services.cartella.history import TimelineEntry, comune_url, timeline_provider
from tenants.roles import Capability, permission_name

from .models import Domanda


@timeline_provider("domanda", gettext_lazy("Domande"), order=50,
                   persona_capabilities=(Capability.MANAGE_DOMANDE,))
def domande(cartella: Any, user: Any) -> Iterable[TimelineEntry]:
    membri = {m.persona_id: m for m in current_household(cartella.persona)}
    membri.pop(cartella.persona_id, None)
    link = user.has_perm(permission_name(Capability.MANAGE_DOMANDE))
    qs = (Domanda.objects.filter(persona_id__in=[cartella.persona_id, *membri])
          .select_related("servizio", "persona").order_by("data_protocollo", "id"))
    for d in qs:
        title = _("Domanda di %(s)s, prot. %(n)s") % {"s": d.servizio.nome,
                                                     "n": d.numero_protocollo}
        if d.persona_id != cartella.persona_id:
            title += " " + _("(per %(who)s, %(rel)s)") % {
                "who": d.persona.nome_completo, "rel": membri[d.persona_id].get_relazione_display()}
        detail = d.motivazione_esito or d.oggetto
        if d.isee_valore is not None:
            detail = (f"{detail} · " if detail else "") + _("ISEE %(v)s €") % {"v": d.isee_valore}
        yield TimelineEntry(data=d.data_protocollo, title=title, detail=detail,
                            badge=d.get_stato_display(),
                            url=comune_url("domande_detail", public_id=d.public_id) if link else "")
