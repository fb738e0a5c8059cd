from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssegniConfig(AppConfig):
    name = "services.assegni"
    label = "assegni"
    verbose_name = _("Assegni di maternità e al nucleo familiare")
