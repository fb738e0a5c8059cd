"""Lavori socialmente utili."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.lsu_list, name="lsu_list"),
    path("nuovo/", views.lsu_new, name="lsu_new"),
    path("dichiarazioni/", views.lsu_dichiarazioni, name="lsu_dichiarazioni"),
    path("dichiarazioni/nuova/", views.lsu_dichiarazione_new, name="lsu_dichiarazione_new"),
    path("dichiarazioni/<uuid:public_id>/ritira/", views.lsu_dichiarazione_ritira,
         name="lsu_dichiarazione_ritira"),
    path("progetti/", views.lsu_progetti, name="lsu_progetti"),
    path("<uuid:public_id>/", views.lsu_detail, name="lsu_detail"),
    path("<uuid:public_id>/cessa/", views.lsu_cessa, name="lsu_cessa"),
    path("<uuid:public_id>/compensi/", views.lsu_compenso_add, name="lsu_compenso_add"),
    path("<uuid:public_id>/compensi/<uuid:compenso_id>/annulla/", views.lsu_compenso_annulla,
         name="lsu_compenso_annulla"),
]
