from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PianoConfig(AppConfig):
    name = "zone.piano"
    label = "piano"
    verbose_name = _("Piano di zona")
