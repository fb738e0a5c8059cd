from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TribunaleConfig(AppConfig):
    name = "services.tribunale"
    label = "tribunale"
    verbose_name = _("Tribunale per i minorenni")

    def ready(self) -> None:
        from services.anagrafica.services import register_merge_hook

        from .services import sposta_persona

        register_merge_hook(sposta_persona)
