from django.urls import include, path

from .common import urlpatterns as common

urlpatterns = [
    path("", include("zone.region.urls")),
    path("api/", include("api.urls")),
    *common,
]
