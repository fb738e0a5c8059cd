"""Domain errors leave the API in one shape: {"error": {"code", "message", "field"}}."""

from __future__ import annotations

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from services.core.errors import AlreadyExists, AmbitoError, NotAllowed, NotFound

STATUS = {NotFound: 404, NotAllowed: 403, AlreadyExists: 409}


def _record_refusal(exc, context) -> None:  # type: ignore[no-untyped-def]
    """A refused API call reaches the audit trail like a refused page (DRF answers it before
    Django's middleware could see the exception)."""
    from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
    from rest_framework.exceptions import PermissionDenied

    from services.core.letture import AccessoNegato
    from services.core.middleware import record_refusal

    request = getattr(context.get("request"), "_request", None)
    if request is None:
        return
    if isinstance(exc, AccessoNegato | DjangoPermissionDenied):
        record_refusal(request, exc)
    elif isinstance(exc, PermissionDenied):
        record_refusal(request, DjangoPermissionDenied())


def exception_handler(exc, context):  # type: ignore[no-untyped-def]
    _record_refusal(exc, context)
    if isinstance(exc, AmbitoError):
        status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)
        return Response(
            {"error": {"code": exc.code, "message": str(exc.message), "field": exc.field}},
            status=status,
        )
    return drf_exception_handler(exc, context)
