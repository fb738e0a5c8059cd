"""Documents of a proceeding: the same checks as the case-file documents (size, real
format), stored under a name of our own, read back only through the proceeding helper,
every download in the audit trail."""

from __future__ import annotations

import uuid
from datetime import date
from typing import IO, Any

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.anagrafica.services import Actor
from services.cartella.documenti import _nome_pulito, _sha256, controlla_file
from services.core.audit import audit_log
from services.core.errors import NotFound, ValidationFailed
from services.core.letture import AccessoNegato

from .models import DocumentoProcedimento, Procedimento
from .services import _label, ensure_aperto


def documento_carica(*, actor: Actor, procedimento: Procedimento, uploaded: Any, tipo: str,
                     data: date | None, descrizione: str = "") -> DocumentoProcedimento:
    ensure_aperto(procedimento)
    if tipo not in DocumentoProcedimento.Tipo.values:
        raise ValidationFailed(_("Scegli il tipo di documento."), field="tipo")
    if data is None:
        raise ValidationFailed(_("Indica la data del documento."), field="data")
    if data > timezone.localdate():
        raise ValidationFailed(_("La data del documento non può essere nel futuro."),
                               field="data")
    formato = controlla_file(uploaded)
    sha256 = _sha256(uploaded)
    schema = connection.schema_name  # type: ignore[attr-defined]
    percorso = f"{schema}/tribunale/{procedimento.public_id}/{uuid.uuid4()}.{formato.extension}"
    with transaction.atomic():
        stored = default_storage.save(percorso, uploaded)
        try:
            documento = DocumentoProcedimento.objects.create(
                procedimento=procedimento, tipo=tipo, data=data,
                descrizione=(descrizione or "").strip(), percorso=stored,
                nome_originale=_nome_pulito(uploaded.name), dimensione=uploaded.size,
                content_type=formato.content_type, sha256=sha256,
                caricato_da_id=actor.user.pk, caricato_da_label=_label(actor.user))
            audit_log(action="procedimento.documento_caricato", actor=actor.user,
                      obj=procedimento, payload={"documento": str(documento.public_id),
                                                 "tipo": tipo, "sha256": sha256},
                      ip_address=actor.ip_address)
        except BaseException:
            default_storage.delete(stored)
            raise
    return documento


def documento_del_procedimento(procedimento: Procedimento,
                               public_id: Any) -> DocumentoProcedimento:
    documento = DocumentoProcedimento.objects.filter(procedimento=procedimento,
                                                     public_id=public_id).first()
    if documento is None:
        raise AccessoNegato("tribunale.documentoprocedimento", public_id)
    return documento


def documento_apri(*, actor: Actor, documento: DocumentoProcedimento) -> IO[bytes]:
    if not default_storage.exists(documento.percorso):
        raise NotFound(_("Il file di questo documento non è più disponibile: avvisa "
                         "l'assistenza."))
    handle = default_storage.open(documento.percorso, "rb")
    audit_log(action="procedimento.documento_scaricato", actor=actor.user,
              obj=documento.procedimento,
              payload={"documento": str(documento.public_id), "nome": documento.nome_originale},
              ip_address=actor.ip_address)
    return handle
