from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnagraficaConfig(AppConfig):
    name = "services.anagrafica"
    label = "anagrafica"
    verbose_name = _("Anagrafica")
