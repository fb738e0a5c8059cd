from django.urls import path

from . import views

I = "interventi/<uuid:public_id>/"  # noqa: E741

urlpatterns = [
    path("", views.servizi_list, name="servizi_list"),
    path("nuovo/", views.servizio_new, name="servizio_new"),
    path("<uuid:public_id>/", views.servizio_detail, name="servizio_detail"),
    path("<uuid:public_id>/modifica/", views.servizio_edit, name="servizio_edit"),
    path("interventi/", views.interventi_list, name="interventi_list"),
    path("interventi/nuovo/", views.intervento_new, name="intervento_new"),
    path("interventi/da-decidere/", views.interventi_da_decidere_view,
         name="interventi_da_decidere"),
    path(I, views.intervento_detail, name="intervento_detail"),
    path(I + "decisione/", views.intervento_decide, name="intervento_decide"),
    path(I + "concludi/", views.intervento_concludi, name="intervento_concludi"),
    path(I + "annulla/", views.intervento_annulla, name="intervento_annulla"),
    path(I + "modifica/", views.intervento_modifica, name="intervento_modifica"),
    path(I + "ritira/", views.intervento_ritira, name="intervento_ritira"),
    path(I + "determina/", views.intervento_determina, name="intervento_determina"),
    path(I + "pagamenti/", views.intervento_pagamenti_genera, name="intervento_pagamenti_genera"),
    path("pagamenti/", views.pagamenti_list, name="pagamenti_list"),
]
