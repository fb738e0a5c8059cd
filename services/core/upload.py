"""The size of an upload is judged before its body is read.

Django parses a multipart body (and spools its files to disk) the first time anything
touches ``request.POST`` or ``request.FILES``, which CsrfViewMiddleware does before the
view runs: a service that checks ``file.size`` sees a 200 MB upload only after it has
been received whole. ``UploadLimitMiddleware`` sits before CsrfViewMiddleware and answers
413 from the declared ``Content-Length`` alone, before a byte of the body is read:

- every request: ``settings.UPLOAD_MAX_REQUEST_BYTES``, the same number as nginx's
  ``client_max_body_size`` in ``deploy/nginx/ambito.conf`` (a test keeps them equal);
- a view that takes a file declares its own limit with ``@upload_limit(max_bytes)``: its
  body may be that plus ``MARGINE_MODULO`` for the rest of the form.

Under WSGI (gunicorn, deploy/) Django never reads past the declared length, and a request
without one (chunked) has an empty body for Django; nginx buffers and sizes the body first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

MB = 1024 * 1024
MARGINE_MODULO = 1 * MB  # the form's other fields and the multipart boundaries
ATTRIBUTO = "upload_max_bytes"

V = TypeVar("V", bound=Callable[..., Any])


def upload_limit(max_bytes: int) -> Callable[[V], V]:
    """Declare the largest file a view accepts (outermost decorator)."""

    def decorator(view: V) -> V:
        setattr(view, ATTRIBUTO, max_bytes)
        return view

    return decorator


def _lunghezza_dichiarata(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


class UploadLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any],
                     view_args: Any, view_kwargs: Any) -> HttpResponse | None:
        massimo_file = getattr(view_func, ATTRIBUTO, None)
        massimo = settings.UPLOAD_MAX_REQUEST_BYTES
        if massimo_file is not None:
            massimo = min(massimo, massimo_file + MARGINE_MODULO)
        if _lunghezza_dichiarata(request) <= massimo:
            return None
        # Nothing of the body was read. (No "Connection: close" here: it is a hop-by-hop
        # header WSGI leaves to the server; gunicorn's sync workers close after each request.)
        return render(request, "413.html", {
            "massimo_mb": (massimo_file or massimo) // MB,
            "dichiarati_mb": f"{_lunghezza_dichiarata(request) / MB:.1f}".replace(".", ","),
        }, status=413)
