"""The region's reporting forms, mounted at ``modelli/`` on the regione host only."""

from django.urls import path

from . import views_regione as views

urlpatterns = [
    path("", views.modelli_list, name="modelli_regione"),
    path("nuovo/", views.modello_create, name="modello_regione_create"),
    path("copia/", views.modello_copy, name="modello_regione_copy"),
    path("<uuid:public_id>/", views.modello_detail, name="modello_regione_detail"),
    path("<uuid:public_id>/modifica/", views.modello_edit, name="modello_regione_edit"),
    path("<uuid:public_id>/elimina/", views.modello_delete, name="modello_regione_delete"),
    path("<uuid:public_id>/anteprima/", views.modello_anteprima, name="modello_regione_anteprima"),
    path("<uuid:public_id>/righe/nuova/", views.riga_create, name="modello_regione_riga_create"),
    path("<uuid:public_id>/righe/<uuid:riga_id>/", views.riga_edit,
         name="modello_regione_riga_edit"),
    path("<uuid:public_id>/righe/<uuid:riga_id>/sposta/", views.riga_move,
         name="modello_regione_riga_move"),
    path("<uuid:public_id>/righe/<uuid:riga_id>/elimina/", views.riga_delete,
         name="modello_regione_riga_delete"),
]
