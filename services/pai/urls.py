from django.urls import path

from . import cruscotto, views

urlpatterns = [
    path("cruscotto/", cruscotto.cartella_dashboard, name="cartella_dashboard"),
    path("verifiche-scadute/", cruscotto.pai_overdue, name="pai_overdue"),
    path("approvazioni/", cruscotto.approvazioni_list, name="approvazioni_list"),
    path("approvazioni/<uuid:public_id>/decisione/", cruscotto.approvazione_decide,
         name="approvazione_decide"),
    path("notifiche/<uuid:public_id>/letta/", cruscotto.notifica_letta, name="notifica_letta"),
    path("cartella/<uuid:public_id>/nuovo/", views.pai_new, name="pai_new"),
    path("<uuid:public_id>/chiusura/", views.approvazione_chiusura_richiesta,
         name="approvazione_chiusura_richiesta"),
    path("<uuid:public_id>/", views.pai_detail, name="pai_detail"),
    path("<uuid:public_id>/modifica/", views.pai_edit, name="pai_edit"),
    path("<uuid:public_id>/invio/", views.pai_submit, name="pai_submit"),
    path("<uuid:public_id>/conclusione/", views.pai_conclude, name="pai_conclude"),
    path("<uuid:public_id>/obiettivi/", views.obiettivo_add, name="pai_obiettivo_add"),
    path("<uuid:public_id>/interventi/", views.intervento_add, name="pai_intervento_add"),
    path("<uuid:public_id>/responsabili/", views.responsabile_add,
         name="pai_responsabile_add"),
    path("<uuid:public_id>/verifica/", views.verifica_record, name="verifica_record"),
    path("<uuid:public_id>/verifica/agenda/", views.verifica_schedule,
         name="verifica_schedule"),
    path("obiettivi/<uuid:public_id>/rimozione/", views.obiettivo_remove,
         name="pai_obiettivo_remove"),
    path("interventi/<uuid:public_id>/rimozione/", views.intervento_remove,
         name="pai_intervento_remove"),
    path("responsabili/<uuid:public_id>/rimozione/", views.responsabile_remove,
         name="pai_responsabile_remove"),
]
