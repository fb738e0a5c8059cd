from django.urls import path

from . import views

urlpatterns = [
    path("", views.richieste_zonali, name="richieste_zonali"),
    path("<uuid:public_id>/", views.richiesta_zonale_detail, name="richiesta_zonale_detail"),
    path("<uuid:public_id>/cartella/", views.richiesta_zonale_apri_cartella,
         name="richiesta_zonale_apri_cartella"),
]
