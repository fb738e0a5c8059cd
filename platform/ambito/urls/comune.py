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
    path("api/", include("api.urls")),
    *common,
]
