"""The machinery every background import of a file shares (the jobs are
``services.core.models_import.ImportJob``): storing the uploaded file and queueing its task,
the run in batches with progress, and the end of a job, done or failed, with its audit entry.
What a row means stays with each app: it subclasses ``ImportRun`` and says how to read its
file and apply one row.

A run reads the stored file back and checks its SHA-256, then applies the rows in batches,
each batch one transaction that also moves the job's counters and progress, so the page
sees them grow and a crashed import resumes after the last committed batch. Inside a batch
each row has its own savepoint: a bad row is rolled back and recorded with its reason, the
others go on. A finished job is left as it is, so running a task twice changes nothing.

Each batch also stamps the job's heartbeat. A job whose worker died stays "running" with an
old heartbeat: ``importjob_interrompi_se_ferma`` (the job's page, the periodic sweep) marks
it interrupted, and ``importjob_riprendi`` (the page's "Riprendi" button, or the sweep by
itself, see ``services.core.heartbeat``) queues its task again, which resumes after the last
committed batch. Both are audited (``importazione.interrotta``, ``importazione.ripresa``):
the job's history on its page.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

from celery import Task
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_log
from .errors import AmbitoError, ValidationFailed
from .heartbeat import heartbeat_limite, ripresa_automatica
from .models_import import ImportJob, RigaScartataBase
from .queue import enqueue_on_commit

if TYPE_CHECKING:
    from services.anagrafica.services import Actor

log = logging.getLogger(__name__)

J = TypeVar("J", bound=ImportJob)


@dataclass(frozen=True)
class Scarto:
    """A row refused while reading the file, before touching the database."""

    numero: int  # as Excel numbers it: the header is row 1
    grezza: str
    motivo: str


def _label(user: Any) -> str:
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or getattr(user, "email", "") or str(user)


def importjob_create(*, model: type[J], actor: Actor, nome: str, contenuto: bytes,
                     azione: str, task: Task) -> J:
    """Store a file the app has already judged good, with its SHA-256, audit the upload as
    ``<azione>.importazione_avviata`` and queue ``task`` once the transaction commits. If
    the job cannot be saved the stored file is removed: a refused upload leaves nothing."""
    with transaction.atomic():
        job = model(
            nome_file=nome[:255], dimensione=len(contenuto),
            sha256=hashlib.sha256(contenuto).hexdigest(),
            caricato_da_id=actor.user.pk, caricato_da_label=_label(actor.user),
            ip_address=actor.ip_address, task_name=task.name,
        )
        job.file.save(nome, ContentFile(contenuto), save=False)
        try:
            job.save()
        except Exception:
            job.file.delete(save=False)
            raise
        audit_log(action=f"{azione}.importazione_avviata", actor=actor.user, obj=job,
                  payload={"file": job.nome_file, "sha256": job.sha256},
                  ip_address=actor.ip_address)
        enqueue_on_commit(task, job.pk)
    return job


def importjob_contenuto(job: ImportJob) -> bytes:
    """The stored file, as it was uploaded: a missing or altered file fails the import."""
    try:
        with job.file.open("rb") as f:
            contenuto = f.read()
    except (FileNotFoundError, ValueError) as exc:
        raise ValidationFailed(_("Il file caricato non è più disponibile: caricalo di nuovo.")) from exc
    if hashlib.sha256(contenuto).hexdigest() != job.sha256:
        raise ValidationFailed(_("Il file è stato modificato dopo il caricamento: caricalo di nuovo."))
    return contenuto


class ImportRun(Generic[J]):
    """One run of one import job. A subclass names its models and counters and fills in
    ``leggi``, ``applica`` and ``messaggio_completata``; ``prepara`` and ``inizia_lotto``
    are there when it needs them."""

    model: ClassVar[type[ImportJob]]
    riga_scartata: ClassVar[type[RigaScartataBase]]
    azione: ClassVar[str]  # audit namespace: "<azione>.importazione_completata", ...
    contatori: ClassVar[tuple[str, ...]]  # the job's counters, for the final audit entry
    scartate: ClassVar[str]  # the counter of rejected rows

    def __init__(self, job: J) -> None:
        self.job = job
        # Who uploaded the file acts on every row (and signs the audit entries).
        self.utente = get_user_model().objects.filter(pk=job.caricato_da_id).first()

    @property
    def actor(self) -> Actor:
        from services.anagrafica.services import Actor

        return Actor(user=self.utente, ip_address=self.job.ip_address)

    # What each import says.

    def leggi(self, contenuto: bytes) -> Sequence[Any]:
        """The file's rows: each with ``numero`` and ``grezza``, a ``Scarto`` if refused."""
        raise NotImplementedError

    def prepara(self) -> None:
        """Load what every row needs. A ValidationFailed here fails the job."""

    def inizia_lotto(self, righe: list[Any]) -> None:
        """Read ahead what the batch's valid rows need, before they are applied."""

    def applica(self, riga: Any) -> Mapping[str, int]:
        """Apply one row and say what to add to the job's counters (``{"creati": 1}``), or
        raise an AmbitoError whose message is why the row is rejected. Runs in the row's
        savepoint: on error, what it wrote is rolled back and its counts are not kept."""
        raise NotImplementedError

    def messaggio_completata(self, job: J) -> str:
        raise NotImplementedError

    # The run.

    @classmethod
    def esegui(cls, import_id: int, *, lotto: int) -> J:
        """Run (or resume) an import, ``lotto`` rows a transaction. A finished one is left
        as it is."""
        job = cast(J, cls.model._default_manager.get(pk=import_id))
        if job.is_finished:
            return job
        run = cls(job)
        try:
            righe = run.leggi(importjob_contenuto(job))
            run.prepara()
        except ValidationFailed as exc:
            return run._fallita(str(exc))
        cls.model._default_manager.filter(pk=job.pk).update(
            stato=ImportJob.Stato.RUNNING, righe_totali=len(righe), messaggio="",
            avviata_il=Coalesce(F("avviata_il"), timezone.now()), updated_at=timezone.now(),
            heartbeat_il=timezone.now())
        for inizio in range(job.righe_elaborate, len(righe), lotto):
            with transaction.atomic():
                corrente = cast(J, cls.model._default_manager.select_for_update().get(pk=job.pk))
                if corrente.is_finished or corrente.righe_elaborate != inizio:
                    return corrente  # another worker got here first and carries on
                righe_lotto = righe[inizio:inizio + lotto]
                conti = run._elabora_lotto(righe_lotto)
                fatte = inizio + len(righe_lotto)
                # Running again if the sweep thought this worker dead (a batch slower
                # than the timeout): the heartbeat says otherwise.
                cls.model._default_manager.filter(pk=job.pk).update(
                    righe_elaborate=fatte, stato=ImportJob.Stato.RUNNING,
                    **{campo: F(campo) + n for campo, n in conti.items()},
                    avanzamento=min(99, fatte * 100 // len(righe)), updated_at=timezone.now(),
                    heartbeat_il=timezone.now())
        return run._completata()

    @classmethod
    def segna_fallito(cls, import_id: int, messaggio: str) -> J:
        """An unexpected error stopped the import for good (the task gave up retrying)."""
        return cls(cast(J, cls.model._default_manager.get(pk=import_id)))._fallita(messaggio)

    def _elabora_lotto(self, righe: Sequence[Any]) -> Counter[str]:
        conti: Counter[str] = Counter()
        scarti = []
        self.inizia_lotto([r for r in righe if not isinstance(r, Scarto)])
        for riga in righe:
            if isinstance(riga, Scarto):
                motivo = riga.motivo
            else:
                try:
                    with transaction.atomic():
                        conti.update(self.applica(riga))
                    continue
                except AmbitoError as exc:
                    motivo = str(exc)
                except DatabaseError as exc:
                    log.warning("%s %s, riga %s: %s", self.model.__name__, self.job.pk,
                                riga.numero, exc)
                    motivo = _("I dati della riga non sono stati accettati dall'archivio: "
                               "controllali o segnala la riga all'assistenza.")
            conti[self.scartate] += 1
            scarti.append(self.riga_scartata(  # type: ignore[misc]  # the concrete row has it
                importazione=self.job, numero_riga=riga.numero, riga=riga.grezza,
                motivo=motivo[:500]))
        self.riga_scartata._default_manager.bulk_create(scarti, ignore_conflicts=True)
        return conti

    def _fallita(self, messaggio: str) -> J:
        job = self.job
        with transaction.atomic():
            self.model._default_manager.filter(pk=job.pk).exclude(stato=ImportJob.Stato.DONE).update(
                stato=ImportJob.Stato.FAILED, messaggio=messaggio[:500],
                terminata_il=timezone.now(), updated_at=timezone.now())
            job.refresh_from_db()
            audit_log(action=f"{self.azione}.importazione_fallita", actor=self.utente, obj=job,
                      payload={"motivo": messaggio[:200]}, ip_address=job.ip_address)
        return job

    def _completata(self) -> J:
        with transaction.atomic():
            job = cast(J, self.model._default_manager.select_for_update().get(pk=self.job.pk))
            if job.is_finished:
                return job
            job.stato = ImportJob.Stato.DONE
            job.avanzamento = 100
            job.terminata_il = timezone.now()
            job.messaggio = self.messaggio_completata(job)
            job.save(update_fields=["stato", "avanzamento", "terminata_il", "messaggio",
                                    "updated_at"])
            audit_log(action=f"{self.azione}.importazione_completata", actor=self.utente,
                      obj=job,
                      payload={"righe": job.righe_totali,
                               **{campo: getattr(job, campo) for campo in self.contatori}},
                      ip_address=job.ip_address)
        return job


def importjob_task(task: Task, run: type[ImportRun[Any]], import_id: int, *, lotto: int) -> str:
    """The body of an import's Celery task (each app keeps its task and its name).
    Idempotent: a finished import is not run again, a retried one resumes after its last
    committed batch. After the last retry the job is marked failed, so the page stops
    waiting."""
    try:
        return run.esegui(import_id, lotto=lotto).stato
    except Exception as exc:
        log.exception("%s %s failed", run.model.__name__, import_id)
        if task.request.retries < task.max_retries and not task.request.is_eager:
            raise task.retry(exc=exc, countdown=30) from exc
        return run.segna_fallito(
            import_id,
            _("Errore imprevisto: l'importazione si è fermata. Le righe già elaborate "
              "restano; avvisa l'assistenza."),
        ).stato


# --- jobs whose worker died -------------------------------------------------------------

def _ferma() -> Q:
    """Running, with no heartbeat for longer than the timeout (a job from before heartbeats:
    its last change)."""
    limite = heartbeat_limite()
    return Q(stato=ImportJob.Stato.RUNNING) & (
        Q(heartbeat_il__lt=limite) | Q(heartbeat_il__isnull=True, updated_at__lt=limite))


def importjob_interrompi_se_ferma(job: J) -> J:
    """If the job's worker stopped beating, mark the job interrupted (once: the update is
    conditional, so the page and the sweep at the same moment record it once) with an
    audit entry saying where it stopped. Returns the job as it now is."""
    model = type(job)
    with transaction.atomic():
        fermata = model._default_manager.filter(_ferma(), pk=job.pk).update(
            stato=ImportJob.Stato.INTERRUPTED, updated_at=timezone.now())
        job.refresh_from_db()
        if fermata:
            audit_log(action="importazione.interrotta", obj=job, payload={
                "ultimo_segnale": job.heartbeat_il.isoformat() if job.heartbeat_il else None,
                "righe_elaborate": job.righe_elaborate, "righe": job.righe_totali})
    return job


def importjob_riprendi(*, job: J, actor: Actor | None, automatica: bool = False) -> J:
    """Queue an interrupted import again: its task resumes after the last committed batch
    (rows already applied are not applied twice). ``actor`` None: the sweep did it."""
    model = type(job)
    if not job.task_name:
        raise ValidationFailed(_("Questa importazione non si può riprendere: caricala di nuovo."))
    task = _task(job.task_name)
    with transaction.atomic():
        ripresa = model._default_manager.filter(
            pk=job.pk, stato=ImportJob.Stato.INTERRUPTED).update(
            stato=ImportJob.Stato.QUEUED, riprese=F("riprese") + 1, messaggio="",
            updated_at=timezone.now())
        job.refresh_from_db()
        if not ripresa:
            raise ValidationFailed(_("L'importazione non è interrotta: è già ripartita o è "
                                     "terminata."))
        audit_log(action="importazione.ripresa", actor=actor.user if actor else None, obj=job,
                  payload={"automatica": automatica, "da_riga": job.righe_elaborate,
                           "riprese": job.riprese},
                  ip_address=actor.ip_address if actor else None)
        enqueue_on_commit(task, job.pk)
    return job


def _task(name: str) -> Task:
    from celery import current_app

    return cast(Task, current_app.tasks[name])


def importjob_models(tipo: str) -> list[type[ImportJob]]:
    """The concrete import jobs of the apps installed in a schema of type ``tipo``."""
    installate = set(settings.TENANT_TYPES.get(tipo, {}).get("APPS", ()))
    return [m for m in apps.get_models()
            if issubclass(m, ImportJob) and m._meta.app_config.name in installate]


def importjob_sweep(*, tipo: str) -> tuple[int, int]:
    """The current schema's imports (a schema of type ``tipo``): those whose worker died are
    marked interrupted, and the interrupted ones queued again when automatic resume allows
    it. Returns (marked, resumed)."""
    segnate = riprese = 0
    for model in importjob_models(tipo):
        for job in model._default_manager.filter(_ferma()):
            if importjob_interrompi_se_ferma(job).is_interrupted:
                segnate += 1
        for job in model._default_manager.filter(stato=ImportJob.Stato.INTERRUPTED):
            if not ripresa_automatica(job.riprese):
                continue
            try:
                importjob_riprendi(job=job, actor=None, automatica=True)
            except ValidationFailed:
                continue  # resumed by someone else meanwhile, or not resumable
            riprese += 1
    return segnate, riprese
