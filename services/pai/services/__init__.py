"""Writes on PAI, reviews and approvals: ``piano`` (the plan and its reviews) and
``approvazioni`` (the dirigente's decisions and the notices they send)."""

from .approvazioni import (
    approvazione_decide,
    approvazione_richiedi_chiusura,
    comune_url,
    notifica_segna_letta,
)
from .piano import (
    intervento_add,
    intervento_remove,
    label_of,
    obiettivo_add,
    obiettivo_remove,
    pai_conclude,
    pai_create,
    pai_put_in_force,
    pai_submit,
    pai_update,
    responsabile_add,
    responsabile_remove,
    verifica_record,
    verifica_schedule,
)

__all__ = [
    "approvazione_decide",
    "approvazione_richiedi_chiusura",
    "comune_url",
    "intervento_add",
    "intervento_remove",
    "label_of",
    "notifica_segna_letta",
    "obiettivo_add",
    "obiettivo_remove",
    "pai_conclude",
    "pai_create",
    "pai_put_in_force",
    "pai_submit",
    "pai_update",
    "responsabile_add",
    "responsabile_remove",
    "verifica_record",
    "verifica_schedule",
]
