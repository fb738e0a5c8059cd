from django.urls import path

from . import views

urlpatterns = [
    path("ricevuti/", views.invii_ricevuti, name="invii_ricevuti"),
    path("ricevuti/<uuid:public_id>/<str:azione>/", views.invio_gestisci, name="invio_gestisci"),
    path("cartella/<uuid:cartella_id>/nuovo/", views.invio_new, name="invio_new"),
    path("<uuid:public_id>/ritira/", views.invio_annulla, name="invio_annulla"),
    path("servizi/", views.servizi_specialistici, name="servizi_specialistici"),
    path("servizi/<uuid:public_id>/operatori/", views.servizio_membro_add,
         name="servizio_membro_add"),
    path("servizi/<uuid:public_id>/operatori/<int:user_id>/rimuovi/",
         views.servizio_membro_remove, name="servizio_membro_remove"),
]
