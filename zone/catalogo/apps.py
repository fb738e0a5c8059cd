from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogoConfig(AppConfig):
    name = "zone.catalogo"
    label = "catalogo"
    verbose_name = _("Catalogo dei servizi")
