from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CartellaConfig(AppConfig):
    name = "services.cartella"
    label = "cartella"
    verbose_name = _("Cartella sociale")
