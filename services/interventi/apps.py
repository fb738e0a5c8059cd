from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterventiConfig(AppConfig):
    name = "services.interventi"
    label = "interventi"
    verbose_name = _("Interventi e prestazioni")

    def ready(self) -> None:
        from services.determine import liquidabili

        from .liquidabile import PagamentiInterventi

        liquidabili.register(PagamentiInterventi())
