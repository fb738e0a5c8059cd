from django.contrib import admin
from django.urls import include, path

from tenants import views

from .common import urlpatterns as common

urlpatterns = [
    path("", views.portal, name="home"),
    path("piattaforma/", include("tenants.urls")),
    path("admin/", admin.site.urls),
    path("catalogo/", include("zone.catalogo.urls_public")),
    path("api/", include("api.urls")),
    *common,
]
