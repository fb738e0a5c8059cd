from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrasferimentiConfig(AppConfig):
    name = "services.trasferimenti"
    label = "trasferimenti"
    verbose_name = _("Trasferimenti di cartelle tra comuni")
