"""The comune urlconf with the listino pages included, as the lead will wire them."""

from django.urls import include, path

from ambito.urls.comune import urlpatterns as comune

urlpatterns = [path("listino-ambito/", include("zone.catalogo.urls_comune")), *comune]
