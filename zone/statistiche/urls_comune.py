from django.urls import path

from . import views

urlpatterns = [
    path("", views.statistiche_comune, name="statistiche_comune"),
]
