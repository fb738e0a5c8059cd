from django.urls import include, path

from .common import urlpatterns as common

urlpatterns = [
    path("", include("services.home.urls")),
    path("api/", include("api.urls")),
    *common,
]
