"""Long jobs whose worker died: a register import killed mid-way, a provisioning and a
statistics refresh left "in corso". Each is shown as interrupted with its last heartbeat,
and resumed from its last committed step by a button or by the periodic sweep, without doing
a step twice."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from services.anagrafica.importer import run as anagrafe_run
from services.anagrafica.models import ImportAnagrafe, Persona
from services.core.models import AuditEntry
from tenants.jobs import jobs_sweep
from tenants.models import Comune, Job
from tests.anagrafica.test_import import DATA, NEW_URL, PRIMO
from tests.conftest import client_for
from zone.statistiche.models import Aggiornamento
from zone.statistiche.tasks import refresh_zona

RIGHE = 31  # the rows of PRIMO
VECCHIO = timedelta(minutes=30)


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from inside: the batch's transaction never commits and
    nothing after it runs (not even the task's error handling)."""


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _import_killed_mid_way(cast, monkeypatch, django_capture_on_commit_callbacks) -> ImportAnagrafe:
    """Upload the register from the page and kill the worker in the middle of the second
    batch of 10 rows: the first batch is committed, the second rolled back."""
    monkeypatch.setattr(anagrafe_run, "LOTTO", 10)
    real = anagrafe_run.ImportAnagrafeRun.applica
    applied = {"n": 0}

    def applica(self, riga):
        applied["n"] += 1
        if applied["n"] == 15:
            raise WorkerKilled
        return real(self, riga)

    monkeypatch.setattr(anagrafe_run.ImportAnagrafeRun, "applica", applica)
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    with pytest.raises(WorkerKilled), django_capture_on_commit_callbacks(execute=True):
        client.post(NEW_URL, {"file": SimpleUploadedFile(
            PRIMO, (DATA / PRIMO).read_bytes(), content_type="text/csv")})
    monkeypatch.setattr(anagrafe_run.ImportAnagrafeRun, "applica", real)
    with tenant_context(cast.comune_a.ente):
        job = ImportAnagrafe.objects.latest("created_at")
        assert (job.stato, job.righe_elaborate, job.creati) == ("running", 10, 10)
        assert job.heartbeat_il is not None  # stamped by the committed batch
        assert Persona.objects.count() == 10
    return job


def _age(model, pk, field: str, ente=None) -> None:
    """The worker died a while ago: its last heartbeat is old."""
    if ente is None:
        model.objects.filter(pk=pk).update(**{field: timezone.now() - VECCHIO})
        return
    with tenant_context(ente):
        model.objects.filter(pk=pk).update(**{field: timezone.now() - VECCHIO})


def _people_once(cast) -> None:
    with tenant_context(cast.comune_a.ente):
        assert Persona.objects.count() == RIGHE
        doppie = (Persona.objects.values("codice_fiscale").annotate(n=Count("id"))
                  .filter(n__gt=1))
        assert not doppie.exists()


def test_an_import_whose_worker_died_is_interrupted_and_resumed_from_its_page(
        cast, monkeypatch, django_capture_on_commit_callbacks):
    job = _import_killed_mid_way(cast, monkeypatch, django_capture_on_commit_callbacks)
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    url = f"/anagrafica/importazioni/{job.public_id}/"
    # a fresh heartbeat: still running, as far as anyone can tell
    assert "import-interrupted" not in client.get(url).content.decode()
    _age(ImportAnagrafe, job.pk, "heartbeat_il", cast.comune_a.ente)
    # the poll of a page drawn while running sees the interruption and reloads the page
    poll = client.get(url, {"visto": "running"}, HTTP_HX_REQUEST="true")
    assert poll["HX-Refresh"] == "true"
    page = html.unescape(client.get(url).content.decode())
    assert 'data-import-status="interrupted"' in page
    assert "Interrotta" in page
    with tenant_context(cast.comune_a.ente):
        job.refresh_from_db()
        ora = timezone.localtime(job.heartbeat_il).strftime("%d/%m/%Y %H:%M:%S")
    assert f"Il lavoro non dà segnali dalle {ora}" in page
    assert 'id="import-resume"' in page
    assert 'method="post"' in page
    # someone who may not import cannot resume it
    assert client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente).post(url) \
        .status_code == 403
    assert client_for(cast.outsider, cast.comune_a.ente).post(url).status_code == 404
    with tenant_context(cast.comune_a.ente):
        assert ImportAnagrafe.objects.get(pk=job.pk).stato == "interrupted"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    with tenant_context(cast.comune_a.ente):
        job.refresh_from_db()
        assert job.stato == "done"
        assert job.riprese == 1
        # rows 11-31 were applied once: the 4 of the rolled-back batch were not kept
        assert (job.righe_totali, job.creati, job.aggiornati, job.invariati, job.scartati) == (
            RIGHE, RIGHE, 0, 0, 0)
        azioni = list(AuditEntry.objects.filter(object_id=str(job.public_id))
                      .order_by("at", "pk").values_list("action", flat=True))
    _people_once(cast)
    assert azioni == ["anagrafe.importazione_avviata", "importazione.interrotta",
                      "importazione.ripresa", "anagrafe.importazione_completata"]
    page = html.unescape(client.get(url).content.decode())
    assert 'id="import-cronologia"' in page
    assert "Interrotta: nessun segnale dal lavoro" in page
    assert "Ripresa da" in page
    assert "dalla riga 11" in page
    # resuming again: a clear message, nothing changes
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, follow=True)
    assert "non è interrotta" in html.unescape(again.content.decode())
    _people_once(cast)


def test_the_sweep_resumes_a_dead_import_by_itself_and_says_so(
        cast, monkeypatch, django_capture_on_commit_callbacks):
    job = _import_killed_mid_way(cast, monkeypatch, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs_sweep() == {"interrotte": 0, "riprese": 0}  # alive: left alone
    _age(ImportAnagrafe, job.pk, "heartbeat_il", cast.comune_a.ente)
    with django_capture_on_commit_callbacks(execute=True):
        esito = jobs_sweep()
    assert esito["interrotte"] >= 1
    assert esito["riprese"] >= 1
    with tenant_context(cast.comune_a.ente):
        job.refresh_from_db()
        assert job.stato == "done"
        ripresa = AuditEntry.objects.get(object_id=str(job.public_id),
                                         action="importazione.ripresa")
    assert ripresa.payload == {"automatica": True, "da_riga": 10, "riprese": 1}
    assert ripresa.actor_id is None
    _people_once(cast)
    page = client_for(cast.by_role["amministrativo"], cast.comune_a.ente).get(
        f"/anagrafica/importazioni/{job.public_id}/").content.decode()
    assert "Ripresa automaticamente dalla riga 11" in page


def test_without_automatic_resume_the_sweep_only_marks_it(
        cast, monkeypatch, django_capture_on_commit_callbacks, settings):
    settings.AMBITO_JOB_AUTO_RESUME = False
    job = _import_killed_mid_way(cast, monkeypatch, django_capture_on_commit_callbacks)
    _age(ImportAnagrafe, job.pk, "heartbeat_il", cast.comune_a.ente)
    with django_capture_on_commit_callbacks(execute=True):
        jobs_sweep()
    with tenant_context(cast.comune_a.ente):
        job.refresh_from_db()
        assert (job.stato, job.righe_elaborate) == ("interrupted", 10)
        assert Persona.objects.count() == 10


def test_the_threshold_is_a_setting(cast, monkeypatch, django_capture_on_commit_callbacks,
                                    settings):
    job = _import_killed_mid_way(cast, monkeypatch, django_capture_on_commit_callbacks)
    _age(ImportAnagrafe, job.pk, "heartbeat_il", cast.comune_a.ente)  # 30 minutes
    settings.AMBITO_JOB_HEARTBEAT_TIMEOUT = 3600
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    url = f"/anagrafica/importazioni/{job.public_id}/"
    assert 'data-import-status="running"' in client.get(url).content.decode()
    settings.AMBITO_JOB_HEARTBEAT_TIMEOUT = 600
    assert 'data-import-status="interrupted"' in client.get(url).content.decode()


def test_automatic_resumes_are_capped(cast, monkeypatch, django_capture_on_commit_callbacks):
    from services.core.heartbeat import MAX_RIPRESE_AUTOMATICHE

    job = _import_killed_mid_way(cast, monkeypatch, django_capture_on_commit_callbacks)
    with tenant_context(cast.comune_a.ente):
        ImportAnagrafe.objects.filter(pk=job.pk).update(riprese=MAX_RIPRESE_AUTOMATICHE)
    _age(ImportAnagrafe, job.pk, "heartbeat_il", cast.comune_a.ente)
    with django_capture_on_commit_callbacks(execute=True):
        jobs_sweep()
    with tenant_context(cast.comune_a.ente):
        assert ImportAnagrafe.objects.get(pk=job.pk).stato == "interrupted"  # a person decides


def _provisioning_left_running(cast) -> Job:
    from tenants.jobs import job_start_provision_comune

    # queued, picked up by a worker that reported one step and died
    job = job_start_provision_comune(params={
        "istat_code": "054012", "name": "Corciano", "zona_code": cast.zona.code,
        "slug": "corciano", "belfiore_code": "C990", "provincia": "PG", "population": 21000,
    }, actor=cast.superuser)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, progress=10,
                                         heartbeat_at=timezone.now() - VECCHIO)
    return job


def test_a_provisioning_whose_worker_died_is_resumed_from_its_page(
        cast, django_capture_on_commit_callbacks):
    job = _provisioning_left_running(cast)
    client = client_for(cast.superuser)
    url = f"/jobs/{job.public_id}/"
    page = html.unescape(client.get(url).content.decode())
    assert 'data-job-status="interrupted"' in page
    assert 'id="job-resume"' in page
    resume = f"/piattaforma/elaborazioni/{job.public_id}/riprendi/"
    assert client.get(resume).status_code == 405
    assert client_for(cast.by_role["dirigente"]).post(resume).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(resume).status_code == 302
    job.refresh_from_db()
    assert (job.status, job.resumes) == (Job.Status.DONE, 1)
    assert Comune.objects.filter(istat_code="054012").count() == 1
    page = client.get(url).content.decode()
    assert 'data-action="elaborazione.interrotta"' in page
    assert 'data-action="elaborazione.ripresa"' in page


def test_the_sweep_resumes_a_dead_provisioning(cast, django_capture_on_commit_callbacks):
    job = _provisioning_left_running(cast)
    with django_capture_on_commit_callbacks(execute=True):
        jobs_sweep()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert Comune.objects.filter(istat_code="054012").count() == 1
    entry = AuditEntry.objects.get(object_id=str(job.public_id), action="elaborazione.ripresa")
    assert entry.payload["automatica"] is True


def test_a_statistics_refresh_whose_worker_died(cast, django_capture_on_commit_callbacks):
    refresh_zona.delay(cast.zona.pk)
    agg = Aggiornamento.objects.get(comune=cast.comune_a)
    Aggiornamento.objects.filter(pk=agg.pk).update(stato=Aggiornamento.Stato.IN_CORSO,
                                                   segnale_il=timezone.now() - VECCHIO)
    from tests.statistiche.test_pages import _url

    page = html.unescape(client_for(cast.coordinatore, cast.zona.ente).get(
        _url("statistiche_aggiornamenti", "zona")).content.decode())
    assert f'data-comune="{cast.comune_a.istat_code}" data-stato="interrotto"' in page
    assert "Il lavoro non dà segnali dalle" in page
    with django_capture_on_commit_callbacks(execute=True):
        jobs_sweep()
    agg.refresh_from_db()
    assert (agg.stato, agg.riprese) == (Aggiornamento.Stato.COMPLETATO, 0)
    with schema_context("public"):  # the sweep's trail (the page's request left the zone's on)
        assert AuditEntry.objects.filter(action="statistiche.aggiornamento_ripreso",
                                         payload__automatica=True).exists()
    with tenant_context(cast.zona.ente):  # the page saw it first, in the zone's trail
        assert AuditEntry.objects.filter(action="statistiche.aggiornamento_interrotto").exists()
