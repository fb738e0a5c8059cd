"""Import of applications from the comune's protocol system: the CSV layout (tracciato), the
row-by-row application through the service functions and the batched run with progress (run),
and the upload (avvia)."""

from .avvia import importazione_avvia
from .run import import_segna_fallito, protocollo_import_run

__all__ = ["import_segna_fallito", "importazione_avvia", "protocollo_import_run"]
