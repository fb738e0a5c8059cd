"""API reads in the audit trail, like the pages': one entry per successful GET (the path,
the query, how many items came back), written by the view class, not by each endpoint."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from services.core.clientip import client_address
from services.core.letture import audit_list


class AuditedReadMixin:
    """Put before ``APIView``; name the entry's code in ``audit_action``."""

    audit_action: str = ""

    def audit_rows(self, response: Response) -> int:
        data = response.data
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            return len(data["results"])
        return len(data) if isinstance(data, list) else 1

    def finalize_response(self, request: Request, response: Response, *args: Any,
                          **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        tenant = getattr(request._request, "tenant", None)
        if (self.audit_action and request.method == "GET" and 200 <= response.status_code < 300
                and tenant is not None and request.user.is_authenticated):
            filtro = {"percorso": request._request.path,
                      **dict(request.query_params.items())}
            audit_list(user=request.user, action=self.audit_action,
                       ip_address=client_address(request._request), filtro=filtro,
                       righe=self.audit_rows(response))
        return response
