from django.urls import path

from . import views

urlpatterns = [
    path("", views.catalogo_list, name="catalogo_list"),
    path("listino/", views.listino_list, name="listino_list"),
    path("listino/nuova/", views.listino_form, name="listino_create"),
    path("listino/<uuid:public_id>/", views.listino_form, name="listino_edit"),
]
