from django.urls import path

from . import views_ente

urlpatterns = [
    path("ente/", views_ente.ente_detail, name="ente_detail"),
    path("ente/operatori/", views_ente.ente_members, name="ente_members"),
    path("ente/secondo-fattore/", views_ente.ente_mfa, name="ente_mfa"),
    path("ente/registro/", views_ente.ente_audit, name="ente_audit"),
    path("ente/registro/negati/", views_ente.ente_audit_refusals, name="ente_audit_refusals"),
]
