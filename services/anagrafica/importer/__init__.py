"""Import from the comune's population register (anagrafe): the CSV layout (tracciato), the
row-by-row application to the person registry (applica), the batched run with progress
(run), the upload and the export of rejected rows (services), and the reads (selectors)."""

from .run import anagrafe_import_run, import_segna_fallito
from .services import importazione_avvia, righe_scartate_esporta

__all__ = ["anagrafe_import_run", "import_segna_fallito", "importazione_avvia",
           "righe_scartate_esporta"]
