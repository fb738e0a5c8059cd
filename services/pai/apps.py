from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaiConfig(AppConfig):
    name = "services.pai"
    label = "pai"
    verbose_name = _("Piano assistenziale individualizzato")

    def ready(self) -> None:
        from services.cartella.hooks import register_on_close

        from .services.approvazioni import pai_chiudi_con_cartella

        register_on_close(pai_chiudi_con_cartella)
