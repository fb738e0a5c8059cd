"""The shared run of an import job (services/core/importjob.py), through a made-up import
on the protocol import's tables: what every import gets without writing it again."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError
from django_tenants.utils import tenant_context

from services.core.audit import audit_log
from services.core.errors import ValidationFailed
from services.core.importjob import ImportRun, Scarto
from services.core.models import AuditEntry
from services.domande.models import ImportProtocollo, RigaScartataProtocollo


@dataclass(frozen=True)
class Riga:
    numero: int
    grezza: str


class ProvaRun(ImportRun[ImportProtocollo]):
    """Each line of the file is what its row does: ``ok``, ``ok+persona``, ``già``,
    ``no`` (a domain error after writing), ``db`` (a database error) or ``?`` (refused
    while reading)."""

    model = ImportProtocollo
    riga_scartata = RigaScartataProtocollo
    azione = "prova"
    contatori = ("create", "invariate", "scartate", "persone_create")
    scartate = "scartate"
    lotti: list[int] = []

    def leggi(self, contenuto: bytes) -> list[Riga | Scarto]:
        righe: list[Riga | Scarto] = []
        for numero, testo in enumerate(contenuto.decode().splitlines(), start=2):
            righe.append(Scarto(numero, testo, "Illeggibile.") if testo == "?"
                         else Riga(numero, testo))
        return righe

    def inizia_lotto(self, righe: list[Riga]) -> None:
        self.lotti.append(len(righe))

    def applica(self, riga: Riga) -> Mapping[str, int]:
        if riga.grezza == "già":
            return {"invariate": 1}
        audit_log(action="prova.riga", payload={"riga": riga.numero})
        if riga.grezza == "no":
            raise ValidationFailed("Riga rifiutata.")
        if riga.grezza == "db":
            raise IntegrityError("duplicate key")
        return {"create": 1, "persone_create": int(riga.grezza == "ok+persona")}

    def messaggio_completata(self, job: ImportProtocollo) -> str:
        return f"Fatto: {job.create}."


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _job(cast, testo: str) -> ImportProtocollo:
    contenuto = testo.encode()
    user = cast.by_role["amministrativo"]
    job = ImportProtocollo(nome_file="prova.csv", dimensione=len(contenuto),
                           sha256=hashlib.sha256(contenuto).hexdigest(),
                           caricato_da_id=user.pk, caricato_da_label=user.email)
    job.file.save("prova.csv", ContentFile(contenuto))
    return job


def _contatori(job: ImportProtocollo) -> tuple[int, ...]:
    return (job.righe_totali, job.righe_elaborate, job.create, job.invariate, job.scartate,
            job.persone_create)


def test_rows_are_applied_in_batches_and_rejected_ones_leave_only_their_reason(cast):
    ProvaRun.lotti = []
    with tenant_context(cast.comune_a.ente):
        job = _job(cast, "ok\nok+persona\nno\ngià\n?\ndb\nok+persona\n")
        job = ProvaRun.esegui(job.pk, lotto=3)
        assert ProvaRun.lotti == [3, 2, 1]  # the refused row is not applied
        assert job.stato == ImportProtocollo.Stato.DONE
        assert job.avanzamento == 100
        assert job.messaggio == "Fatto: 3."
        # Only the rows kept count; the rejected ones add to "scartate" alone.
        assert _contatori(job) == (7, 7, 3, 1, 3, 2)
        motivi = dict(job.righe_scartate.values_list("numero_riga", "motivo"))
        assert motivi[4] == "Riga rifiutata."
        assert motivi[6] == "Illeggibile."
        assert "non sono stati accettati dall'archivio" in motivi[7]
        # What the rejected rows wrote was rolled back with their savepoint.
        assert sorted(AuditEntry.objects.filter(action="prova.riga")
                      .values_list("payload__riga", flat=True)) == [2, 3, 8]
        fine = AuditEntry.objects.get(action="prova.importazione_completata")
        assert fine.payload == {"righe": 7, "create": 3, "invariate": 1, "scartate": 3,
                                "persone_create": 2}
        assert fine.actor_id == cast.by_role["amministrativo"].pk


def test_a_finished_job_is_left_as_it_is(cast):
    with tenant_context(cast.comune_a.ente):
        job = ProvaRun.esegui(_job(cast, "ok\n").pk, lotto=10)
        prima = AuditEntry.objects.count()
        again = ProvaRun.esegui(job.pk, lotto=10)
        assert _contatori(again) == _contatori(job)
        assert AuditEntry.objects.count() == prima


def test_an_altered_file_fails_the_job_before_any_row(cast, tmp_path):
    with tenant_context(cast.comune_a.ente):
        job = _job(cast, "ok\n")
        (tmp_path / job.file.name).write_bytes(b"ok\nok\n")
        job = ProvaRun.esegui(job.pk, lotto=10)
        assert job.stato == ImportProtocollo.Stato.FAILED
        assert job.messaggio == "Il file è stato modificato dopo il caricamento: caricalo di nuovo."
        assert _contatori(job) == (0, 0, 0, 0, 0, 0)
        assert AuditEntry.objects.filter(action="prova.importazione_fallita").exists()


def test_a_job_marked_failed_is_not_reopened_by_a_late_run(cast):
    with tenant_context(cast.comune_a.ente):
        job = _job(cast, "ok\n")
        ProvaRun.segna_fallito(job.pk, "Errore imprevisto.")
        job = ProvaRun.esegui(job.pk, lotto=10)
        assert (job.stato, job.messaggio) == (ImportProtocollo.Stato.FAILED, "Errore imprevisto.")
        assert job.righe_elaborate == 0
