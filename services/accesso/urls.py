from django.urls import path

from . import views, views_sportelli

urlpatterns = [
    path("", views.accesso_list, name="accesso_list"),
    path("nuova/", views.accesso_new, name="accesso_new"),
    path("nuova/cerca-persona/", views.accesso_persona_search, name="accesso_persona_search"),
    path("<uuid:public_id>/", views.accesso_detail, name="accesso_detail"),
    path("<uuid:public_id>/chiudi/", views.accesso_close, name="accesso_close"),
    path("consenso/<uuid:persona_id>/", views.accesso_consenso, name="accesso_consenso"),
    path("risorse/", views.risorse_list, name="risorse_list"),
    path("risorse/nuova/", views.risorse_new, name="risorse_new"),
    path("risorse/<uuid:public_id>/", views.risorse_edit, name="risorse_edit"),
    path("sportelli/", views_sportelli.sportelli_list, name="sportelli_list"),
    path("sportelli/nuovo/", views_sportelli.sportelli_new, name="sportelli_new"),
    path("sportelli/<uuid:public_id>/", views_sportelli.sportelli_edit, name="sportelli_edit"),
    path("sportelli/<uuid:public_id>/disattiva/", views_sportelli.sportelli_deactivate,
         name="sportelli_deactivate"),
    path("cifre/", views_sportelli.segretariato_cifre_view, name="segretariato_cifre"),
]
