"""Starting an import from an uploaded file."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from services.anagrafica.services import Actor
from services.core.audit import audit_log
from services.core.errors import ValidationFailed
from services.core.queue import enqueue_on_commit
from services.domande.models import ImportProtocollo

from .tracciato import DIMENSIONE_MASSIMA, ESTENSIONI, decodifica, domande_xml, intestazione, is_xml


def _label(user: Any) -> str:
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or getattr(user, "email", "") or str(user)


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
    with transaction.atomic():
        job = ImportProtocollo(
            nome_file=nome[:255], dimensione=len(contenuto),
            sha256=hashlib.sha256(contenuto).hexdigest(),
            caricato_da_id=actor.user.pk, caricato_da_label=_label(actor.user),
            ip_address=actor.ip_address,
        )
        job.file.save(nome, ContentFile(contenuto), save=False)
        try:
            job.save()
        except Exception:
            job.file.delete(save=False)
            raise
        audit_log(action="protocollo.importazione_avviata", actor=actor.user, obj=job,
                  payload={"file": job.nome_file, "sha256": job.sha256},
                  ip_address=actor.ip_address)
        enqueue_on_commit(protocollo_import_task, job.pk)
    return job
