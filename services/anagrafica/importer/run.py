"""Running one import: the file's rows in batches, each batch one transaction that also moves
the job's counters and progress, so the page sees them as they grow and a crashed import
resumes after the last committed batch. Inside a batch each row has its own savepoint: a bad
row is rolled back and recorded with its reason, the others go on.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter

from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from services.anagrafica.models import ImportAnagrafe, RigaScartata
from services.anagrafica.services import Actor
from services.core.audit import audit_log
from services.core.errors import AmbitoError, ValidationFailed
from services.core.queue import current_schema

from .applica import AGGIORNATO, CREATO, INVARIATO, Contesto, Lotto, applica_riga
from .tracciato import RigaAnagrafe, Scarto, leggi

log = logging.getLogger(__name__)

LOTTO = 500
SCARTATO = "scartato"


def anagrafe_import_run(import_id: int) -> ImportAnagrafe:
    """Run (or resume) an import. A finished one is left as it is; running it again from
    the start is safe too, as every row already applied comes out unchanged."""
    job = ImportAnagrafe.objects.get(pk=import_id)
    if job.is_finished:
        return job
    try:
        righe = leggi(_contenuto(job))
        ctx = Contesto(actor=_actor(job), comune=_comune(), oggi=timezone.localdate())
    except ValidationFailed as exc:
        return _fallita(job, str(exc))
    ImportAnagrafe.objects.filter(pk=job.pk).update(
        stato=ImportAnagrafe.Stato.RUNNING, righe_totali=len(righe), messaggio="",
        avviata_il=Coalesce(F("avviata_il"), timezone.now()), updated_at=timezone.now(),
    )
    for inizio in range(job.righe_elaborate, len(righe), LOTTO):
        with transaction.atomic():
            corrente = ImportAnagrafe.objects.select_for_update().get(pk=job.pk)
            if corrente.is_finished or corrente.righe_elaborate != inizio:
                return corrente  # another worker got here first and carries on
            lotto = righe[inizio:inizio + LOTTO]
            conti = _elabora_lotto(ctx, corrente, lotto)
            fatte = inizio + len(lotto)
            ImportAnagrafe.objects.filter(pk=job.pk).update(
                righe_elaborate=fatte,
                creati=F("creati") + conti[CREATO],
                aggiornati=F("aggiornati") + conti[AGGIORNATO],
                invariati=F("invariati") + conti[INVARIATO],
                scartati=F("scartati") + conti[SCARTATO],
                avanzamento=min(99, fatte * 100 // len(righe)),
                updated_at=timezone.now(),
            )
    return _completata(job, ctx)


def _elabora_lotto(ctx: Contesto, job: ImportAnagrafe, lotto: list[RigaAnagrafe | Scarto]) -> Counter:
    conti: Counter = Counter()
    scarti: list[RigaScartata] = []
    valide = [r for r in lotto if isinstance(r, RigaAnagrafe)]
    stato = Lotto.carica(ctx, valide)
    for riga in lotto:
        if isinstance(riga, Scarto):
            motivo = riga.motivo
        else:
            ctx.nuclei_della_riga.clear()
            try:
                with transaction.atomic():
                    conti[applica_riga(ctx, stato, riga)] += 1
                continue
            except AmbitoError as exc:
                motivo = str(exc)
            except DatabaseError as exc:
                log.warning("import %s, riga %s: %s", job.pk, riga.numero, exc)
                motivo = _("I dati della riga non sono stati accettati dall'archivio: "
                           "controllali o segnala la riga all'assistenza.")
            ctx.dimentica_riga()
        conti[SCARTATO] += 1
        scarti.append(RigaScartata(importazione=job, numero_riga=riga.numero,
                                   riga=riga.grezza, motivo=motivo[:500]))
    RigaScartata.objects.bulk_create(scarti, ignore_conflicts=True)
    return conti


def _contenuto(job: ImportAnagrafe) -> bytes:
    try:
        with job.file.open("rb") as f:
            contenuto = f.read()
    except (FileNotFoundError, ValueError) as exc:
        raise ValidationFailed(_("Il file caricato non è più disponibile: caricalo di nuovo.")) from exc
    if hashlib.sha256(contenuto).hexdigest() != job.sha256:
        raise ValidationFailed(_("Il file è stato modificato dopo il caricamento: caricalo di nuovo."))
    return contenuto


def _actor(job: ImportAnagrafe) -> Actor:
    """Who uploaded the file acts on every row (and signs the audit entries)."""
    user = get_user_model().objects.filter(pk=job.caricato_da_id).first()
    return Actor(user=user, ip_address=job.ip_address)


def _comune() -> dict[str, str]:
    """The comune of the current schema: residents live there."""
    from tenants.models import Comune

    comune = Comune.objects.filter(ente__schema_name=current_schema()).first()
    if comune is None:
        raise ValidationFailed(_("L'importazione dall'anagrafe si fa nello spazio di un comune."))
    return {"comune": comune.name, "comune_istat": comune.istat_code,
            "provincia": comune.provincia}


def _fallita(job: ImportAnagrafe, messaggio: str) -> ImportAnagrafe:
    with transaction.atomic():
        ImportAnagrafe.objects.filter(pk=job.pk).exclude(stato=ImportAnagrafe.Stato.DONE).update(
            stato=ImportAnagrafe.Stato.FAILED, messaggio=messaggio[:500],
            terminata_il=timezone.now(), updated_at=timezone.now())
        job.refresh_from_db()
        audit_log(action="anagrafe.importazione_fallita", actor=_actor(job).user, obj=job,
                  payload={"motivo": messaggio[:200]}, ip_address=job.ip_address)
    return job


def import_segna_fallito(*, import_id: int, messaggio: str) -> ImportAnagrafe:
    """An unexpected error stopped the import for good (the task gave up retrying)."""
    return _fallita(ImportAnagrafe.objects.get(pk=import_id), messaggio)


def _completata(job: ImportAnagrafe, ctx: Contesto) -> ImportAnagrafe:
    with transaction.atomic():
        job = ImportAnagrafe.objects.select_for_update().get(pk=job.pk)
        if job.is_finished:
            return job
        job.stato = ImportAnagrafe.Stato.DONE
        job.avanzamento = 100
        job.terminata_il = timezone.now()
        job.messaggio = _(
            "Importazione completata: %(righe)s righe, %(c)s persone create, %(a)s aggiornate, "
            "%(i)s senza variazioni, %(s)s righe scartate."
        ) % {"righe": job.righe_totali, "c": job.creati, "a": job.aggiornati,
             "i": job.invariati, "s": job.scartati}
        job.save(update_fields=["stato", "avanzamento", "terminata_il", "messaggio", "updated_at"])
        audit_log(action="anagrafe.importazione_completata", actor=ctx.actor.user, obj=job,
                  payload={"righe": job.righe_totali, "creati": job.creati,
                           "aggiornati": job.aggiornati, "invariati": job.invariati,
                           "scartati": job.scartati},
                  ip_address=ctx.actor.ip_address)
    return job
