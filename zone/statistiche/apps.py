from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticheConfig(AppConfig):
    name = "zone.statistiche"
    label = "statistiche"
    verbose_name = _("Statistiche dell'ambito")
