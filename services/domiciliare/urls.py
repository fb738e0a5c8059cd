from django.urls import path

from . import views

urlpatterns = [
    path("", views.domiciliare_list, name="domiciliare_list"),
    path("piani/nuovo/", views.domiciliare_piano_new, name="domiciliare_piano_new"),
    path("rendiconti/nuovo/", views.domiciliare_rendiconto_new, name="domiciliare_rendiconto_new"),
    path("rendiconti/<uuid:public_id>/", views.domiciliare_rendiconto_detail,
         name="domiciliare_rendiconto_detail"),
]
