from django.urls import include, path

from .common import urlpatterns as common

urlpatterns = [
    path("", include("zone.region.urls")),
    path("indicatori/", include("zone.statistiche.urls_regione")),
    path("modelli/", include("zone.piano.urls_regione")),
    path("api/", include("api.urls")),
    *common,
]
