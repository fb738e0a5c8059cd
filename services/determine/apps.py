from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DetermineConfig(AppConfig):
    name = "services.determine"
    label = "determine"
    verbose_name = _("Determine e liquidazioni")
