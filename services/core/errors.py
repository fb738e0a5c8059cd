"""One family of domain errors. Messages are translatable and meant for the user; tests
import these classes and assert on them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class AmbitoError(Exception):
    """A rule of the domain refused the request. Nothing has been changed."""

    code = "errore"
    default_message = _("Operazione non consentita.")

    def __init__(self, message: str | None = None, *, field: str | None = None) -> None:
        self.message = message if message is not None else self.default_message
        self.field = field
        super().__init__(str(self.message))

    def __str__(self) -> str:
        return str(self.message)


class ValidationFailed(AmbitoError):
    code = "dati_non_validi"
    default_message = _("I dati inseriti non sono validi.")


class AlreadyExists(AmbitoError):
    code = "gia_esistente"
    default_message = _("Esiste già un elemento con questi dati.")


class NotFound(AmbitoError):
    code = "non_trovato"
    default_message = _("Elemento non trovato.")


class NotAllowed(AmbitoError):
    code = "non_consentito"
    default_message = _("Non hai i permessi per questa operazione.")
