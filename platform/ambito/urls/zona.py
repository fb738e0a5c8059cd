from django.urls import include, path

from .common import urlpatterns as common

urlpatterns = [
    path("", include("zone.office.urls")),
    path("catalogo/", include("zone.catalogo.urls")),
    path("invii/", include("services.invii.urls_zona")),
    path("piano/", include("zone.piano.urls")),
    path("statistiche/", include("zone.statistiche.urls")),
    path("api/", include("api.urls")),
    *common,
]
