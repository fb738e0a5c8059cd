"""Starting an import from an uploaded file."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from services.anagrafica.services import Actor
from services.core.errors import ValidationFailed
from services.core.importjob import importjob_create
from services.domande.models import ImportProtocollo

from .tracciato import DIMENSIONE_MASSIMA, ESTENSIONI, decodifica, domande_xml, intestazione, is_xml


def importazione_avvia(*, actor: Actor, file: Any) -> ImportProtocollo:
    """Check the uploaded file (extension, size, encoding, header), store it under the
    comune's folder and queue the import once the transaction commits. A refused file
    leaves nothing behind."""
    from services.domande.tasks import protocollo_import_task

    nome = (getattr(file, "name", "") or "").rsplit("/", 1)[-1]
    if not nome.lower().endswith(ESTENSIONI):
        raise ValidationFailed(
            _("Carica un file .csv (colonne separate da punto e virgola) o .xml: "
              "«%(name)s» non lo è.") % {"name": nome}, field="file")
    if file.size > DIMENSIONE_MASSIMA:
        raise ValidationFailed(
            _("Il file pesa %(mb).1f MB: il massimo è 20 MB. Dividilo in più file.")
            % {"mb": file.size / 1024 / 1024}, field="file")
    contenuto = b"".join(file.chunks())
    if is_xml(contenuto):
        if not domande_xml(contenuto):
            raise ValidationFailed(_("Il file XML non contiene nessun elemento <domanda>."),
                                   field="file")
    else:
        testo = decodifica(contenuto)
        intestazione(testo)
        if not any(riga.strip(" ;\t") for riga in testo.splitlines()[1:]):
            raise ValidationFailed(_("Il file contiene solo l'intestazione, nessuna domanda."),
                                   field="file")
    return importjob_create(model=ImportProtocollo, actor=actor, nome=nome,
                            contenuto=contenuto, azione="protocollo",
                            task=protocollo_import_task)
