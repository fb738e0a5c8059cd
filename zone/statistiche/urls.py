from django.urls import path

from . import views

urlpatterns = [
    path("", views.statistiche_zona, name="statistiche_zona"),
    path("multicomune/", views.statistiche_multicomune, name="statistiche_multicomune"),
    path("attesa/", views.statistiche_attesa, name="statistiche_attesa"),
    path("aggiornamenti/", views.statistiche_aggiornamenti, name="statistiche_aggiornamenti"),
]
