from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InviiConfig(AppConfig):
    name = "services.invii"
    label = "invii"
    verbose_name = _("Invii ai servizi specialistici")
