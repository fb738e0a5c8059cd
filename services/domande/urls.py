from django.urls import path

from . import views, views_import

D = "<uuid:public_id>/"

urlpatterns = [
    path("", views.domande_list, name="domande_list"),
    path("nuova/", views.domande_new, name="domande_new"),
    path("nuova/campi/", views.domande_new_campi, name="domande_new_campi"),
    path("assegna/", views.domande_assegna, name="domande_assegna"),
    path("le-mie/", views.domande_coda, name="domande_coda"),
    path("importazioni/", views_import.domande_import_list, name="domande_import_list"),
    path("importazioni/<uuid:public_id>/", views_import.domande_import_detail,
         name="domande_import_detail"),
    path(D, views.domande_detail, name="domande_detail"),
    path(D + "modifica/", views.domande_edit, name="domande_edit"),
    path(D + "esito/", views.domande_esito, name="domande_esito"),
    path(D + "riassegna/", views.domande_riassegna, name="domande_riassegna"),
]
