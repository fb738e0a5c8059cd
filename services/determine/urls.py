from django.urls import path

from . import views

urlpatterns = [
    path("", views.determine_list, name="determine_list"),
    path("nuova/", views.determina_new, name="determina_new"),
    path("riepilogo/", views.determine_riepilogo, name="determine_riepilogo"),
    path("liquidazioni/", views.liquidazioni_list, name="liquidazioni_list"),
    path("liquidazioni/nuova/", views.liquidazione_new, name="liquidazione_new"),
    path("liquidazioni/<uuid:public_id>/", views.liquidazione_detail, name="liquidazione_detail"),
    path("<uuid:public_id>/", views.determina_detail, name="determina_detail"),
]
