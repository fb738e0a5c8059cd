"""The zone office (ufficio di piano): catalogue, piano di zona, reporting, and the case work
of the services the zone manages itself for all its comuni (gestione associata), mounted
under the same paths as in a comune."""

from django.urls import include, path

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
    path("anagrafica/", include("services.anagrafica.urls")),
    path("accesso/", include("services.accesso.urls")),
    path("cartelle/", include("services.cartella.urls")),
    path("trasferimenti/", include("services.trasferimenti.urls")),
    path("pai/", include("services.pai.urls")),
    path("servizi/", include("services.interventi.urls")),
    path("domande/", include("services.domande.urls")),
    path("determine/", include("services.determine.urls")),
    path("fornitori/", include("services.fornitori.urls")),
    path("domiciliare/", include("services.domiciliare.urls")),
    path("ricoveri/", include("services.ricoveri.urls")),
    path("lsu/", include("services.lsu.urls")),
    path("assegni/", include("services.assegni.urls")),
    path("tribunale/", include("services.tribunale.urls")),
    path("api/", include("api.urls")),
    *common,
]
