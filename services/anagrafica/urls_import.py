from django.urls import path

from . import views_import as views

urlpatterns = [
    path("", views.import_list, name="anagrafica_import_list"),
    path("nuova/", views.import_new, name="anagrafica_import_new"),
    path("<uuid:public_id>/", views.import_detail, name="anagrafica_import_detail"),
    path("<uuid:public_id>/scartate.csv", views.import_scartate_csv,
         name="anagrafica_import_scartate_csv"),
]
