"""Starting an import from an uploaded file, and exporting the rows it rejected."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from services.anagrafica.models import ImportAnagrafe
from services.anagrafica.services import Actor
from services.core.audit import audit_log
from services.core.csvimport import riga_csv
from services.core.errors import ValidationFailed
from services.core.export import Exporter, Table
from services.core.importjob import importjob_create

from .tracciato import DIMENSIONE_MASSIMA, ESTENSIONE, SEPARATORE, decodifica, intestazione


def importazione_avvia(*, actor: Actor, file: Any) -> ImportAnagrafe:
    """Check the uploaded file (extension, size, encoding, header), store it under the
    comune's folder and queue the import once the transaction commits. A refused file
    leaves nothing behind."""
    from services.anagrafica.tasks import anagrafe_import_task

    nome = (getattr(file, "name", "") or "").rsplit("/", 1)[-1]
    if not nome.lower().endswith(ESTENSIONE):
        raise ValidationFailed(
            _("Carica un file .csv (testo con le colonne separate da punto e virgola): "
              "«%(name)s» non lo è.") % {"name": nome}, field="file")
    if file.size > DIMENSIONE_MASSIMA:
        raise ValidationFailed(
            _("Il file pesa %(mb).1f MB: il massimo è 50 MB. Dividilo in più file.")
            % {"mb": file.size / 1024 / 1024}, field="file")
    contenuto = b"".join(file.chunks())
    testo = decodifica(contenuto)
    intestazione(testo)
    if not any(riga.strip(" ;\t") for riga in testo.splitlines()[1:]):
        raise ValidationFailed(_("Il file contiene solo l'intestazione, nessuna persona."),
                               field="file")
    return importjob_create(model=ImportAnagrafe, actor=actor, nome=nome, contenuto=contenuto,
                            azione="anagrafe", task=anagrafe_import_task)


class RigheScartateCsv(Exporter):
    """The rejected rows as the file had them, after their row number and reason, in the
    file's own columns (so the corrected file can be uploaded again). The rows are the
    file's text: the base neutralises what a spreadsheet would run as a formula."""

    csv_titles = False

    def __init__(self, importazione: ImportAnagrafe) -> None:
        self.importazione = importazione
        self.filename = f"righe-scartate-{importazione.public_id}"

    def _colonne(self) -> list[str]:
        try:
            with self.importazione.file.open("rb") as f:
                prima = f.readline().decode("utf-8-sig").rstrip("\r\n")
            return riga_csv(prima, separatore=SEPARATORE)
        except (FileNotFoundError, ValueError, UnicodeDecodeError):
            return [_("contenuto della riga")]

    def _righe(self) -> Iterator[list[Any]]:
        for scarto in self.importazione.righe_scartate.order_by("numero_riga").iterator():
            campi = riga_csv(scarto.riga, separatore=SEPARATORE)
            yield [scarto.numero_riga, scarto.motivo, *campi]

    def tables(self) -> Iterator[Table]:
        yield _("Righe scartate"), [_("riga"), _("motivo"), *self._colonne()], self._righe()


def righe_scartate_esporta(*, actor: Actor, importazione: ImportAnagrafe) -> RigheScartateCsv:
    """The rejected rows, for the IT person to correct and upload again. Personal data
    leave the system, so the export is audited (now, not when the rows are read)."""
    audit_log(action="anagrafe.scartate_esportate", actor=actor.user, obj=importazione,
              payload={"righe": importazione.scartati}, ip_address=actor.ip_address)
    return RigheScartateCsv(importazione)
