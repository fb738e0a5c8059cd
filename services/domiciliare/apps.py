from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DomiciliareConfig(AppConfig):
    name = "services.domiciliare"
    label = "domiciliare"
    verbose_name = _("Assistenza domiciliare")
