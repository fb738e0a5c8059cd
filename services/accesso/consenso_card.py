"""The consent card of the person's page (``services.anagrafica.views.persona_detail``):
kept apart from ``views.py`` so that the person's page uses it without importing the
segretariato's views, which redisplay the person's page on a bad consent form."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tenants.permissions import has_capability
from tenants.roles import Capability

from . import selectors
from .forms import ConsensoForm


def consenso_context(request: HttpRequest, persona: Any, form: ConsensoForm | None = None
                     ) -> dict[str, Any]:
    """The consent card of the person's page: the answer in force, its history, the judicial
    order that keeps the service acting whatever the answer, and the form to record one."""
    storia = selectors.consensi_storia(persona)
    can_record = has_capability(request, Capability.WRITE_SCHEDA_ACCESSO)
    return {
        "consenso_attuale": storia[0] if storia else None,
        "consensi": storia,
        "mandato_ag": selectors.mandato_autorita_giudiziaria(persona),
        "consenso_form": (form or ConsensoForm(persona=persona)) if can_record else None,
    }
