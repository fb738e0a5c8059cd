"""The case-work pages, the same on a comune's host and on a zone's (the services its
ufficio di piano manages itself): included by both urlconfs."""

from django.urls import include, path

urlpatterns = [
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
]
