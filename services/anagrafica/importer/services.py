"""Starting an import from an uploaded file, and exporting the rows it rejected."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from services.anagrafica.models import ImportAnagrafe
from services.anagrafica.services import Actor
from services.core.audit import audit_log
from services.core.errors import ValidationFailed
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


def righe_scartate_esporta(*, actor: Actor, importazione: ImportAnagrafe) -> Iterator[list[str]]:
    """The rejected rows as the file had them, after their row number and reason: the IT
    person corrects them and uploads them again. Personal data leave the system, so the
    export is audited (now, not when the rows are read)."""
    audit_log(action="anagrafe.scartate_esportate", actor=actor.user, obj=importazione,
              payload={"righe": importazione.scartati}, ip_address=actor.ip_address)
    return _righe_scartate(importazione)


def _righe_scartate(importazione: ImportAnagrafe) -> Iterator[list[str]]:
    try:
        with importazione.file.open("rb") as f:
            prima = f.readline().decode("utf-8-sig").rstrip("\r\n")
        colonne = next(csv.reader([prima], delimiter=SEPARATORE), [])
    except (FileNotFoundError, ValueError, UnicodeDecodeError):
        colonne = [_("contenuto della riga")]
    yield [_("riga"), _("motivo"), *colonne]
    for scarto in importazione.righe_scartate.order_by("numero_riga").iterator():
        campi = next(csv.reader([scarto.riga], delimiter=SEPARATORE), [])
        yield [str(scarto.numero_riga), scarto.motivo, *campi]
