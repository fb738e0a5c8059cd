from django.urls import path

from . import views

urlpatterns = [
    path("", views.piano_list, name="piano_list"),
    path("nuovo/", views.piano_create, name="piano_create"),
    path("rendicontazione/", views.piano_rendiconti, name="piano_rendiconti"),
    path("<uuid:public_id>/", views.piano_detail, name="piano_detail"),
    path("<uuid:public_id>/modifica/", views.piano_edit, name="piano_edit"),
    path("<uuid:public_id>/fonti/nuova/", views.piano_fonte_create, name="piano_fonte_create"),
    path("<uuid:public_id>/voci/nuova/", views.piano_voce_form, name="piano_voce_create"),
    path("<uuid:public_id>/voci/<uuid:voce_id>/", views.piano_voce_form, name="piano_voce_edit"),
    path("<uuid:public_id>/quote/", views.piano_quota, name="piano_quota"),
    path("<uuid:public_id>/spesa/", views.piano_spesa, name="piano_spesa"),
    path("<uuid:public_id>/fondi-nazionali/", views.piano_fondi, name="piano_fondi"),
    path("<uuid:public_id>/modelli/<uuid:modello_id>/", views.piano_modello, name="piano_modello"),
    path("<uuid:public_id>/rendiconto.<str:formato>", views.piano_rendiconto_export,
         name="piano_rendiconto_export"),
]
