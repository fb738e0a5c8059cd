"""Domain errors leave the API in one shape: {"error": {"code", "message", "field"}}."""

from __future__ import annotations

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from services.core.errors import AlreadyExists, AmbitoError, NotAllowed, NotFound

STATUS = {NotFound: 404, NotAllowed: 403, AlreadyExists: 409}


def exception_handler(exc, context):  # type: ignore[no-untyped-def]
    if isinstance(exc, AmbitoError):
        status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)
        return Response(
            {"error": {"code": exc.code, "message": str(exc.message), "field": exc.field}},
            status=status,
        )
    return drf_exception_handler(exc, context)
