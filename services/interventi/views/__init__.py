"""Pages of the comune's services and of the interventions: thin, every write through
``services``, every intervention through ``get_intervento_for_user``."""

from .esecuzione import (
    intervento_annulla,
    intervento_concludi,
    intervento_determina,
    intervento_pagamenti_genera,
    pagamenti_list,
)
from .interventi import View, interventi_list, intervento_detail, intervento_new, readers_only
from .proposte import (
    interventi_da_decidere_view,
    intervento_decide,
    intervento_modifica,
    intervento_ritira,
)
from .servizi import servizi_list, servizio_detail, servizio_edit, servizio_new

__all__ = [
    "interventi_da_decidere_view",
    "interventi_list",
    "intervento_annulla",
    "intervento_concludi",
    "intervento_decide",
    "intervento_detail",
    "intervento_determina",
    "intervento_modifica",
    "intervento_new",
    "intervento_pagamenti_genera",
    "intervento_ritira",
    "pagamenti_list",
    "readers_only",
    "servizi_list",
    "servizio_detail",
    "servizio_edit",
    "servizio_new",
    "View",
]
