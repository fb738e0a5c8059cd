from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaiConfig(AppConfig):
    name = "services.pai"
    label = "pai"
    verbose_name = _("Piano assistenziale individualizzato")
