"""The referrals box of the case page."""

from __future__ import annotations

from typing import Any

from django import template

from services.cartella.models import Cartella
from services.cartella.selectors import can_change

from .. import selectors
from ..views import invio_form

register = template.Library()


@register.simple_tag(takes_context=True)
def invii_della_cartella(context: Any, cartella: Cartella) -> dict[str, Any]:
    """The caller already holds ``cartella`` through ``get_cartella_for_user``."""
    request = context.get("request")
    user = getattr(request, "user", None)
    can_refer = bool(user is not None and cartella.is_writable and can_change(user, cartella))
    return {
        "invii": selectors.invii_della_cartella(cartella),
        "can_refer": can_refer,
        "form": invio_form() if can_refer else None,
    }
