"""Writes on the piano di zona: plans, sources, lines with their funding, comuni shares;
and the region's reporting forms with their rows."""

from .modelli import (
    CODICE_MODELLO,
    MODELLO_CAMPI,
    PREFISSO,
    RIGA_CAMPI,
    modello_copy,
    modello_create,
    modello_delete,
    modello_update,
    riga_create,
    riga_delete,
    riga_move,
    riga_update,
)
from .piano import (
    PIANO_CAMPI,
    VOCE_CAMPI,
    fonte_create,
    piano_create,
    piano_update,
    quota_set,
    voce_create,
    voce_update,
)
from .scritture import euro

__all__ = [
    "CODICE_MODELLO",
    "euro",
    "fonte_create",
    "MODELLO_CAMPI",
    "modello_copy",
    "modello_create",
    "modello_delete",
    "modello_update",
    "PIANO_CAMPI",
    "piano_create",
    "piano_update",
    "PREFISSO",
    "quota_set",
    "RIGA_CAMPI",
    "riga_create",
    "riga_delete",
    "riga_move",
    "riga_update",
    "VOCE_CAMPI",
    "voce_create",
    "voce_update",
]
