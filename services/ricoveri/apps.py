from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RicoveriConfig(AppConfig):
    name = "services.ricoveri"
    label = "ricoveri"
    verbose_name = _("Ricoveri in struttura")
