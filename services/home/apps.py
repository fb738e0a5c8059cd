from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "services.home"
    label = "comune_home"
    verbose_name = _("Scrivania del comune")
