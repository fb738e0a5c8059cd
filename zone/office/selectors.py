"""Reads for the ufficio di piano's home page."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GestioneAssociata:
    """What the zone's own case work holds (its own schema: the services it manages itself
    for all its comuni)."""

    servizi: int
    cartelle_aperte: int
    domande_da_istruire: int
    interventi_attivi: int
    proposte_da_decidere: int


def gestione_associata() -> GestioneAssociata:
    """Counts in the current (zone) schema; the case work apps are installed there too."""
    from services.cartella.models import Cartella
    from services.domande.models import Domanda
    from services.interventi.models import Intervento, Servizio

    return GestioneAssociata(
        servizi=Servizio.objects.filter(attivo=True).count(),
        cartelle_aperte=Cartella.objects.filter(stato=Cartella.Stato.APERTA).count(),
        domande_da_istruire=Domanda.objects.filter(stato__in=[
            Domanda.Stato.PRESENTATA, Domanda.Stato.ASSEGNATA, Domanda.Stato.ISTRUTTORIA]).count(),
        interventi_attivi=Intervento.objects.filter(stato__in=[
            Intervento.Stato.APPROVATO, Intervento.Stato.IN_CORSO]).count(),
        proposte_da_decidere=Intervento.objects.filter(stato=Intervento.Stato.PROPOSTO).count(),
    )
