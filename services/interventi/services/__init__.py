"""Writes of the comune's services and of the interventions delivered to persons.

A social worker proposes an intervention; where the service asks for it, the dirigente
approves or rejects it (the proposer is notified); an approved intervention owes money to
the person as ``Pagamento`` rows (instalments or a one-off payment), which an atto di
liquidazione pays (``services.determine``)."""

from .esecuzione import intervento_annulla, intervento_assegna_determina, intervento_concludi
from .pagamenti import (
    CENT,
    STATI_IMPEGNATI,
    importo_impegnato_su,
    mesi_tra,
    non_pagato_alla_persona,
    pagamenti_genera,
    ultimo_giorno,
)
from .proposte import (
    PROPOSTA_CAMPI,
    intervento_decide,
    intervento_modifica_proposta,
    intervento_propose,
    intervento_ritira_proposta,
    proposta_verifica_gestibile,
    puo_gestire_proposta,
)
from .servizi import SERVIZIO_CAMPI, campi_domanda_opzionali, servizio_create, servizio_update

__all__ = [
    "campi_domanda_opzionali",
    "CENT",
    "importo_impegnato_su",
    "intervento_annulla",
    "intervento_assegna_determina",
    "intervento_concludi",
    "intervento_decide",
    "intervento_modifica_proposta",
    "intervento_propose",
    "intervento_ritira_proposta",
    "mesi_tra",
    "non_pagato_alla_persona",
    "pagamenti_genera",
    "PROPOSTA_CAMPI",
    "proposta_verifica_gestibile",
    "puo_gestire_proposta",
    "SERVIZIO_CAMPI",
    "servizio_create",
    "servizio_update",
    "STATI_IMPEGNATI",
    "ultimo_giorno",
]
