from django.urls import path

from . import views

urlpatterns = [
    path("", views.trasferimenti_list, name="trasferimenti_list"),
    path("nuovo/<uuid:cartella_id>/", views.trasferimento_new, name="trasferimento_new"),
    path("<uuid:public_id>/", views.trasferimento_detail, name="trasferimento_detail"),
    path("<uuid:public_id>/accetta/", views.trasferimento_accetta, name="trasferimento_accetta"),
    path("<uuid:public_id>/respingi/", views.trasferimento_respingi, name="trasferimento_respingi"),
    path("<uuid:public_id>/annulla/", views.trasferimento_annulla, name="trasferimento_annulla"),
]
