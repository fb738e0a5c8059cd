from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TribunaleConfig(AppConfig):
    name = "services.tribunale"
    label = "tribunale"
    verbose_name = _("Tribunale per i minorenni")
