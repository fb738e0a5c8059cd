from django.urls import include, path

from .casework import urlpatterns as casework
from .common import urlpatterns as common

urlpatterns = [
    path("", include("services.home.urls")),
    path("anagrafica/importazioni/", include("services.anagrafica.urls_import")),
    *casework,
    path("invii/", include("services.invii.urls")),
    path("listino-ambito/", include("zone.catalogo.urls_comune")),
    path("statistiche/", include("zone.statistiche.urls_comune")),
    path("piano-di-zona/", include("zone.piano.urls_comune")),
    path("api/", include("api.urls")),
    *common,
]
