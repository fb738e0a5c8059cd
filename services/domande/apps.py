from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DomandeConfig(AppConfig):
    name = "services.domande"
    label = "domande"
    verbose_name = _("Domande")
