from django.urls import path

from . import views, views_azioni, views_schede

C = "<uuid:public_id>/"

urlpatterns = [
    path("", views.cartella_list, name="cartella_list"),
    # The social worker's review of the schede forwarded by the front office.
    path("schede-da-valutare/", views_schede.cartella_schede_da_valutare,
         name="cartella_schede_da_valutare"),
    path("schede-da-valutare/<uuid:public_id>/", views_schede.cartella_scheda_valuta,
         name="cartella_scheda_valuta"),
    path("schede-da-valutare/<uuid:public_id>/respingi/", views_schede.cartella_scheda_respingi,
         name="cartella_scheda_respingi"),
    path("schede-da-valutare/<uuid:public_id>/prendi-in-carico/",
         views_schede.cartella_scheda_prendi_in_carico, name="cartella_scheda_prendi_in_carico"),
    # One case file.
    path(C, views.cartella_detail, name="cartella_detail"),
    path(C + "storia/", views.cartella_history, name="cartella_history"),
    path(C + "letture/", views.cartella_readers, name="cartella_readers"),
    path(C + "documenti/<uuid:doc_id>/", views.cartella_documento_download,
         name="cartella_documento_download"),
    path(C + "diario/", views_azioni.cartella_diario_add, name="cartella_diario_add"),
    path(C + "problematiche/", views_azioni.cartella_problematica_add,
         name="cartella_problematica_add"),
    path(C + "problematiche/<uuid:item_id>/chiudi/", views_azioni.cartella_problematica_chiudi,
         name="cartella_problematica_chiudi"),
    path(C + "risorse/", views_azioni.cartella_risorsa_add, name="cartella_risorsa_add"),
    path(C + "risorse/<uuid:item_id>/chiudi/", views_azioni.cartella_risorsa_chiudi,
         name="cartella_risorsa_chiudi"),
    path(C + "dati-sociali/", views_azioni.cartella_condizione_add,
         name="cartella_condizione_add"),
    path(C + "documenti/", views_azioni.cartella_documento_add, name="cartella_documento_add"),
    path(C + "operatori/", views_azioni.cartella_operatore_add, name="cartella_operatore_add"),
    path(C + "operatori/<int:user_id>/disabilita/", views_azioni.cartella_operatore_remove,
         name="cartella_operatore_remove"),
    path(C + "sospendi/", views_azioni.cartella_sospendi_view, name="cartella_sospendi"),
    path(C + "chiudi/", views_azioni.cartella_chiudi_view, name="cartella_chiudi"),
    path(C + "riapri/", views_azioni.cartella_riapri_view, name="cartella_riapri"),
    path(C + "avvisi/<uuid:item_id>/letto/", views_azioni.cartella_avviso_letto,
         name="cartella_avviso_letto"),
]
