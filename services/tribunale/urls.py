"""Tribunale per i minorenni."""
from django.urls import path

from . import views, views_udienze

P = "<uuid:public_id>/"

urlpatterns = [
    path("", views.tribunale_list, name="tribunale_list"),
    path("nuovo/", views.tribunale_new, name="tribunale_new"),
    path("impostazioni/", views.tribunale_impostazioni, name="tribunale_impostazioni"),
    path("udienze/", views_udienze.tribunale_udienze, name="tribunale_udienze"),
    path("udienze.ics", views_udienze.tribunale_udienze_ics, name="tribunale_udienze_ics"),
    path(P, views.tribunale_detail, name="tribunale_detail"),
    path(P + "documenti/<uuid:doc_id>/", views.tribunale_documento_download,
         name="tribunale_documento_download"),
    path(P + "documenti/", views.tribunale_documento_add, name="tribunale_documento_add"),
    path(P + "udienze/", views.tribunale_udienza_add, name="tribunale_udienza_add"),
    path(P + "udienze/<uuid:udienza_id>/", views.tribunale_udienza_edit,
         name="tribunale_udienza_edit"),
    path(P + "udienze/<uuid:udienza_id>/esito/", views.tribunale_udienza_esito,
         name="tribunale_udienza_esito"),
    path(P + "problematiche/", views.tribunale_problematica_add,
         name="tribunale_problematica_add"),
    path(P + "interventi/", views.tribunale_intervento_add, name="tribunale_intervento_add"),
    path(P + "operatori/", views.tribunale_operatore_add, name="tribunale_operatore_add"),
    path(P + "operatori/<int:user_id>/revoca/", views.tribunale_operatore_remove,
         name="tribunale_operatore_remove"),
    path(P + "minori/<uuid:persona_id>/apri-cartella/", views.tribunale_apri_cartella,
         name="tribunale_apri_cartella"),
    path(P + "decreto/", views.tribunale_decreto, name="tribunale_decreto"),
    path(P + "chiudi/", views.tribunale_chiudi, name="tribunale_chiudi"),
]
