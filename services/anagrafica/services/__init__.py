"""Writes on the person registry. Each runs in one transaction and leaves an audit entry."""

from .duplicati import MergeHook, persona_unisci, register_merge_hook
from .indirizzi import indirizzo_cambia
from .nuclei import (
    nucleo_aggiungi,
    nucleo_crea,
    nucleo_rimuovi,
    riferimento_aggiungi,
    riferimento_chiudi,
)
from .persone import (
    EDITABLE,
    DuplicateCodiceFiscale,
    PossibleDuplicate,
    condizione_registra,
    persona_create,
    persona_decesso,
    persona_emigrazione,
    persona_update,
)
from .scritture import Actor

__all__ = [
    "Actor",
    "condizione_registra",
    "DuplicateCodiceFiscale",
    "EDITABLE",
    "indirizzo_cambia",
    "MergeHook",
    "nucleo_aggiungi",
    "nucleo_crea",
    "nucleo_rimuovi",
    "persona_create",
    "persona_decesso",
    "persona_emigrazione",
    "persona_unisci",
    "persona_update",
    "PossibleDuplicate",
    "register_merge_hook",
    "riferimento_aggiungi",
    "riferimento_chiudi",
]
