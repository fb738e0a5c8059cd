from django.urls import path

from . import views

F = "<uuid:public_id>/"

urlpatterns = [
    path("", views.fornitori_list, name="fornitori_list"),
    path("nuovo/", views.fornitore_new, name="fornitore_new"),
    path(F, views.fornitore_detail, name="fornitore_detail"),
    path(F + "modifica/", views.fornitore_edit, name="fornitore_edit"),
    path(F + "contratti/nuovo/", views.contratto_new, name="contratto_new"),
    path("contratti/" + F, views.contratto_detail, name="contratto_detail"),
    path("fatture/", views.fatture_list, name="fatture_list"),
    path("fatture/nuova/", views.fattura_new, name="fattura_new"),
    path("fatture/" + F, views.fattura_detail, name="fattura_detail"),
    path("fatture/" + F + "ricontrolla/", views.fattura_ricontrolla_view,
         name="fattura_ricontrolla"),
    path("fatture/" + F + "accetta/", views.fattura_accetta_view, name="fattura_accetta"),
    path("fatture/" + F + "contesta/", views.fattura_contesta_view, name="fattura_contesta"),
]
