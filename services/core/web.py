"""Small helpers the HTML views of every app share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.http import HttpRequest

from .errors import AmbitoError

if TYPE_CHECKING:
    from services.anagrafica.services import Actor


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, through the trusted proxies only (``services.core.clientip``)."""
    from .clientip import client_address

    return client_address(request)


def actor_of(request: HttpRequest) -> Actor:
    from services.anagrafica.services import Actor

    return Actor(request.user, client_ip(request))


def form_error(form: forms.Form, exc: AmbitoError) -> None:
    """Show a domain error on the field it concerns, or on the form."""
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))
