from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LsuConfig(AppConfig):
    name = "services.lsu"
    label = "lsu"
    verbose_name = _("Lavori socialmente utili")

    def ready(self) -> None:
        from services.anagrafica.services import register_merge_hook
        from services.determine.liquidabili import register

        from .liquidabili import CompensiLsu
        from .services import sposta_persona

        register(CompensiLsu())
        register_merge_hook(sposta_persona)
