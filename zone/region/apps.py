from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionConfig(AppConfig):
    name = "zone.region"
    label = "zone_region"
    verbose_name = _("Osservatorio regionale")
