"""Running one register import. The batches, progress, resume and failure are the shared
import run (services/core/importjob.py); what is the register's is here: the comune whose
residents the file lists, the batch's people read ahead, and the households a rejected row
had created, forgotten with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from services.anagrafica.models import ImportAnagrafe, RigaScartata
from services.core.errors import ValidationFailed
from services.core.importjob import ImportRun
from services.core.queue import current_schema

from .applica import AGGIORNATO, CREATO, INVARIATO, Contesto, Lotto, applica_riga
from .tracciato import RigaAnagrafe, Scarto, leggi

LOTTO = 500
CONTATORE = {CREATO: "creati", AGGIORNATO: "aggiornati", INVARIATO: "invariati"}


class ImportAnagrafeRun(ImportRun[ImportAnagrafe]):
    model = ImportAnagrafe
    riga_scartata = RigaScartata
    azione = "anagrafe"
    contatori = ("creati", "aggiornati", "invariati", "scartati")
    scartate = "scartati"

    def leggi(self, contenuto: bytes) -> list[RigaAnagrafe | Scarto]:
        return leggi(contenuto)

    def prepara(self) -> None:
        self.ctx = Contesto(actor=self.actor, comune=_comune(), oggi=timezone.localdate())

    def inizia_lotto(self, righe: list[Any]) -> None:
        self.stato_lotto = Lotto.carica(self.ctx, righe)

    def applica(self, riga: RigaAnagrafe) -> Mapping[str, int]:
        self.ctx.nuclei_della_riga.clear()
        try:
            esito = applica_riga(self.ctx, self.stato_lotto, riga)
        except Exception:
            self.ctx.dimentica_riga()  # the row's savepoint takes its households away
            raise
        return {CONTATORE[esito]: 1}

    def messaggio_completata(self, job: ImportAnagrafe) -> str:
        return _(
            "Importazione completata: %(righe)s righe, %(c)s persone create, %(a)s aggiornate, "
            "%(i)s senza variazioni, %(s)s righe scartate."
        ) % {"righe": job.righe_totali, "c": job.creati, "a": job.aggiornati,
             "i": job.invariati, "s": job.scartati}


def anagrafe_import_run(import_id: int) -> ImportAnagrafe:
    """Run (or resume) an import. A finished one is left as it is; running it again from
    the start is safe too, as every row already applied comes out unchanged."""
    return ImportAnagrafeRun.esegui(import_id, lotto=LOTTO)


def import_segna_fallito(*, import_id: int, messaggio: str) -> ImportAnagrafe:
    """An unexpected error stopped the import for good (the task gave up retrying)."""
    return ImportAnagrafeRun.segna_fallito(import_id, messaggio)


def _comune() -> dict[str, str]:
    """The comune of the current schema: residents live there."""
    from tenants.models import Comune

    comune = Comune.objects.filter(ente__schema_name=current_schema()).first()
    if comune is None:
        raise ValidationFailed(_("L'importazione dall'anagrafe si fa nello spazio di un comune."))
    return {"comune": comune.name, "comune_istat": comune.istat_code,
            "provincia": comune.provincia}
