from django.urls import path

from . import views

R = "<uuid:public_id>/"

urlpatterns = [
    path("", views.ricoveri_list, name="ricoveri_list"),
    path("strutture/nuova/", views.ricoveri_struttura_new, name="ricoveri_struttura_new"),
    path("presenze/", views.ricoveri_presenze_mese, name="ricoveri_presenze_mese"),
    path("autorizza/", views.ricoveri_autorizza, name="ricoveri_autorizza"),
    path(R, views.ricovero_detail, name="ricovero_detail"),
    path(R + "presenze/", views.ricovero_presenze, name="ricovero_presenze"),
    path(R + "dimissione/", views.ricovero_dimissione, name="ricovero_dimissione"),
]
