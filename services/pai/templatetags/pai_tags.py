"""Template helpers: the PAI box of the case page, and links to pages that may live in
other apps."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from services.cartella.models import Cartella, ImpostazioniCartella
from services.cartella.selectors import is_enabled_on
from tenants.roles import Capability, permission_name

from .. import selectors
from ..models import PAI
from ..services import comune_url

register = template.Library()


@register.simple_tag(takes_context=True)
def pai_della_cartella(context: Any, cartella: Cartella) -> dict[str, Any]:
    """What the case page shows about plans. The caller already holds ``cartella`` through
    ``get_cartella_for_user``."""
    request = context.get("request")
    user = getattr(request, "user", None)
    can_write = bool(
        user is not None and user.has_perm(permission_name(Capability.MANAGE_CARTELLA))
        and cartella.is_writable and is_enabled_on(user, cartella)
    )
    piani = list(selectors.piani_della_cartella(cartella))
    in_lavorazione = [p for p in piani
                      if p.stato in (*PAI.EDITABLE, PAI.Stato.IN_APPROVAZIONE)]
    return {
        "piani": piani,
        "in_vigore": next((p for p in piani if p.stato == PAI.Stato.APPROVATO), None),
        "in_lavorazione": in_lavorazione[0] if in_lavorazione else None,
        "chiusura_in_attesa": selectors.chiusura_in_attesa(cartella),
        "chiusura_con_approvazione": ImpostazioniCartella.current().approvazione_chiusura,
        "can_write": can_write,
        "oggi": timezone.localdate(),
    }


@register.simple_tag
def cartella_url(public_id: Any) -> str:
    """The case page, if the case-file pages are installed; empty otherwise."""
    return comune_url("cartella_detail", public_id)


@register.simple_tag
def url_se_esiste(name: str, *args: Any) -> str:
    """A page of another app that may not be installed yet: its URL, or empty."""
    return comune_url(name, *args)
