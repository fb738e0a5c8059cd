from django.urls import path

from . import views

urlpatterns = [
    path("", views.indicatori_regione, name="indicatori_regione"),
]
