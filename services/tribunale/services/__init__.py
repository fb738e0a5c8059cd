"""Writes of the Tribunale per i minorenni: proceedings, assigned social workers, hearings,
family problems and interventions. Each runs in one transaction with its audit entry; the
operators concerned are told in the inbox at once and by e-mail after commit."""

from .impostazioni import impostazioni_aggiorna
from .minori import (
    cartella_apri_per_minore,
    interventi_collegabili,
    intervento_collega,
    problematica_registra,
)
from .operatori import (
    chi_legge,
    operatore_assegna,
    operatore_revoca,
    operatori_attivi_di,
    operatori_convocabili,
    operatori_incaricabili,
)
from .procedimenti import (
    procedimento_aggiorna_decreto,
    procedimento_chiudi,
    procedimento_crea,
    sposta_persona,
)
from .scritture import _label as _label  # documenti.py labels its uploaders the same way
from .scritture import ensure_aperto
from .udienze import udienza_esito, udienza_fissa, udienza_modifica

__all__ = [
    "cartella_apri_per_minore",
    "chi_legge",
    "ensure_aperto",
    "impostazioni_aggiorna",
    "interventi_collegabili",
    "intervento_collega",
    "operatore_assegna",
    "operatore_revoca",
    "operatori_attivi_di",
    "operatori_convocabili",
    "operatori_incaricabili",
    "problematica_registra",
    "procedimento_aggiorna_decreto",
    "procedimento_chiudi",
    "procedimento_crea",
    "sposta_persona",
    "udienza_esito",
    "udienza_fissa",
    "udienza_modifica",
]
