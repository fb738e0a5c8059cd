from django.urls import path

from . import views

urlpatterns = [
    path("", views.persona_list, name="anagrafica_list"),
    path("nuova/", views.persona_new, name="anagrafica_new"),
    path("<uuid:public_id>/", views.persona_detail, name="anagrafica_detail"),
    path("<uuid:public_id>/modifica/", views.persona_edit, name="anagrafica_edit"),
    path("<uuid:public_id>/indirizzo/", views.persona_address, name="anagrafica_address"),
    path("<uuid:public_id>/condizione/", views.persona_condition, name="anagrafica_condition"),
    path("<uuid:public_id>/nucleo/", views.persona_household_new, name="anagrafica_household_new"),
    path("<uuid:public_id>/nucleo/componente/", views.persona_household_add,
         name="anagrafica_household_add"),
    path("<uuid:public_id>/nucleo/uscita/<uuid:membro_id>/", views.persona_household_exit,
         name="anagrafica_household_exit"),
    path("<uuid:public_id>/riferimento/", views.persona_reference, name="anagrafica_reference"),
    path("<uuid:public_id>/decesso/", views.persona_death, name="anagrafica_death"),
    path("<uuid:public_id>/unisci/", views.persona_merge, name="anagrafica_merge"),
]
