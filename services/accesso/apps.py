from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessoConfig(AppConfig):
    name = "services.accesso"
    label = "accesso"
    verbose_name = _("Segretariato sociale")

    def ready(self) -> None:
        # Registers the merge hook that moves schede and consents of a merged duplicate.
        from . import services  # noqa: F401
