from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.roles import capabilities_for

from .audit import AuditedReadMixin


class MeSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    nome = serializers.CharField()
    cognome = serializers.CharField()
    ente = serializers.CharField(allow_null=True)
    ruolo = serializers.CharField(allow_null=True)
    capacita = serializers.ListField(child=serializers.CharField())


class MeView(AuditedReadMixin, APIView):
    """Who the caller is in the tenant of the host, and what they may do there."""

    required_capability = "view_home"
    audit_action = "api.me.letto"

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        membership = getattr(request._request, "membership", None)
        user = request.user
        data = {
            "id": user.public_id,
            "email": user.email,
            "nome": user.first_name,
            "cognome": user.last_name,
            "ente": membership.ente.name if membership else None,
            "ruolo": membership.role if membership else None,
            "capacita": sorted(capabilities_for(membership.role)) if membership else [],
        }
        return Response(MeSerializer(data).data)
