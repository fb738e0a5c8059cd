from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FornitoriConfig(AppConfig):
    name = "services.fornitori"
    label = "fornitori"
    verbose_name = _("Fornitori, contratti e fatture")

    def ready(self) -> None:
        from services.determine.liquidabili import register

        from .liquidabile import FatturaLiquidabile

        register(FatturaLiquidabile())
