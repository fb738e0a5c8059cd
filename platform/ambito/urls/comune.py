from django.urls import include, path

from .common import urlpatterns as common

urlpatterns = [
    path("", include("services.home.urls")),
    path("anagrafica/", include("services.anagrafica.urls")),
    path("anagrafica/importazioni/", include("services.anagrafica.urls_import")),
    path("accesso/", include("services.accesso.urls")),
    path("cartelle/", include("services.cartella.urls")),
    path("trasferimenti/", include("services.trasferimenti.urls")),
    path("pai/", include("services.pai.urls")),
    path("invii/", include("services.invii.urls")),
    path("servizi/", include("services.interventi.urls")),
    path("domande/", include("services.domande.urls")),
    path("determine/", include("services.determine.urls")),
    path("fornitori/", include("services.fornitori.urls")),
    path("domiciliare/", include("services.domiciliare.urls")),
    path("ricoveri/", include("services.ricoveri.urls")),
    path("lsu/", include("services.lsu.urls")),
    path("assegni/", include("services.assegni.urls")),
    path("tribunale/", include("services.tribunale.urls")),
    path("listino-ambito/", include("zone.catalogo.urls_comune")),
    path("statistiche/", include("zone.statistiche.urls_comune")),
    path("api/", include("api.urls")),
    *common,
]
