from django.urls import path

from services.core import views_audit

from . import views_ente

urlpatterns = [
    path("ente/", views_ente.ente_detail, name="ente_detail"),
    path("ente/operatori/", views_ente.ente_members, name="ente_members"),
    path("ente/secondo-fattore/", views_ente.ente_mfa, name="ente_mfa"),
    path("ente/registro/", views_ente.ente_audit, name="ente_audit"),
    path("ente/registro/negati/", views_ente.ente_audit_refusals, name="ente_audit_refusals"),
    path("ente/registro/integrita/", views_audit.audit_integrity, name="audit_integrity"),
    path("ente/registro/integrita/verifica/", views_audit.audit_integrity_check,
         name="audit_integrity_check"),
    path("ente/registro/integrita/<uuid:public_id>/", views_audit.audit_integrity_status,
         name="audit_integrity_status"),
]
