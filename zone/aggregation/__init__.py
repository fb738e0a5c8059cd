"""The one module that crosses schemas.

Everything the zone and the region know about the comuni comes through here: a function is
run inside one comune's schema (``tenant_context``), its querysets are evaluated there, and
only plain values leave it — de-identified facts (catalogue code, target area, period,
amounts, a keyed hash of the codice fiscale), never a name, a codice fiscale or free text.

The schemas read are the comuni's and the zones': a zone whose ufficio di piano manages
services itself (gestione associata) records them in its own schema with the same apps. Its
facts carry the ISTAT code of the person's current residence, so the store can count them
for the comune where the person lives.

Two kinds of reader live here:

* ``estrai_comune``: what the reporting store (``zone.statistiche``) is refreshed from,
  incrementally (source rows changed since a watermark) plus every source key, so the store
  can drop facts whose source row is gone;
* ``totali_diretti``: the same headline figures computed straight from each schema with a
  plain loop — the check the store must agree with (tests) and the baseline the benchmark
  compares the store against.
"""

from .diretti import (
    ReportDiretto,
    TotaliComune,
    attribuzione,
    report_diretto,
    totali_diretti,
    totali_gestione_associata,
)
from .estrazione import Estrazione, ente_extract, estrai_comune
from .schemi import (
    OVERLAP,
    PAGAMENTO,
    SERVITI,
    ZERO,
    Row,
    fascia_eta,
    in_comune,
    in_ente,
    persona_hash,
)

__all__ = [
    "attribuzione",
    "ente_extract",
    "estrai_comune",
    "Estrazione",
    "fascia_eta",
    "in_comune",
    "in_ente",
    "OVERLAP",
    "PAGAMENTO",
    "persona_hash",
    "report_diretto",
    "ReportDiretto",
    "Row",
    "SERVITI",
    "totali_diretti",
    "totali_gestione_associata",
    "TotaliComune",
    "ZERO",
]
