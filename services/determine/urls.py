from django.urls import path

from . import views

urlpatterns = [
    path("", views.determine_list, name="determine_list"),
    path("nuova/", views.determina_new, name="determina_new"),
    path("riepilogo/", views.determine_riepilogo, name="determine_riepilogo"),
    path("liquidazioni/", views.liquidazioni_list, name="liquidazioni_list"),
    path("liquidazioni/nuova/", views.liquidazione_new, name="liquidazione_new"),
    path("liquidazioni/<uuid:public_id>/", views.liquidazione_detail, name="liquidazione_detail"),
    path("persone/<uuid:public_id>/modalita-pagamento/", views.modalita_pagamento,
         name="modalita_pagamento"),
    path("<uuid:public_id>/", views.determina_detail, name="determina_detail"),
    path("<uuid:public_id>/rettifica/", views.determina_rettifica, name="determina_rettifica"),
    path("<uuid:public_id>/annulla/", views.determina_annulla, name="determina_annulla"),
]
