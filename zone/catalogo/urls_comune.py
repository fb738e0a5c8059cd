"""Comune host: the zone's common list and its adoption. To be included in
``ambito.urls.comune`` (e.g. under ``listino-ambito/``)."""

from django.urls import path

from . import views_comune

urlpatterns = [
    path("", views_comune.listino_comune, name="listino_comune"),
    path("<uuid:public_id>/adotta/", views_comune.listino_comune_adotta, name="listino_comune_adotta"),
]
