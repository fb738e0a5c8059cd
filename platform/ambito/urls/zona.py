"""The zone office (ufficio di piano): catalogue, piano di zona, reporting, and the case work
of the services the zone manages itself for all its comuni (gestione associata), mounted
under the same paths as in a comune (the register import stays a comune's)."""

from django.urls import include, path

from .casework import urlpatterns as casework
from .common import urlpatterns as common

urlpatterns = [
    path("", include("zone.office.urls")),
    path("catalogo/", include("zone.catalogo.urls")),
    # Requests from the comuni to the zone's services, and the zone's own referrals from its
    # case files: the two sets of patterns do not overlap.
    path("invii/", include("services.invii.urls_zona")),
    path("invii/", include("services.invii.urls")),
    path("piano/", include("zone.piano.urls")),
    path("statistiche/", include("zone.statistiche.urls")),
    *casework,
    path("api/", include("api.urls")),
    *common,
]
