from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficeConfig(AppConfig):
    name = "zone.office"
    label = "zone_office"
    verbose_name = _("Ufficio di piano")
