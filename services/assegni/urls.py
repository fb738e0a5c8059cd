from django.urls import path

from . import views

urlpatterns = [
    path("", views.assegni_list, name="assegni_list"),
    path("nuovo/", views.assegni_new, name="assegni_new"),
    path("completa/<uuid:public_id>/", views.assegni_completa, name="assegni_completa"),
    path("statistiche/", views.assegni_statistiche, name="assegni_statistiche"),
    path("statistiche.xlsx", views.assegni_export, name="assegni_export"),
    path("<uuid:public_id>/", views.assegni_detail, name="assegni_detail"),
]
