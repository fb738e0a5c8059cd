from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LsuConfig(AppConfig):
    name = "services.lsu"
    label = "lsu"
    verbose_name = _("Lavori socialmente utili")
