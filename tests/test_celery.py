"""Tasks: queued after commit, in the schema that asked, with progress on the page."""

from __future__ import annotations

from unittest import mock

from django.core.cache import cache
from django.db import connection
from django_tenants.utils import schema_context

from services.core.audit import audit_log
from services.core.models import AuditSeal
from services.core.queue import enqueue_on_commit
from services.core.tasks import audit_seal_all_tenants, audit_seal_tenant
from tenants.models import Comune, Job
from tests.conftest import client_for


def test_task_is_queued_only_after_commit_with_the_schema_of_the_caller(
    cast, django_capture_on_commit_callbacks
):
    with mock.patch.object(audit_seal_tenant, "apply_async") as apply_async:
        with django_capture_on_commit_callbacks() as callbacks:
            with schema_context(cast.comune_a.ente.schema_name):
                enqueue_on_commit(audit_seal_tenant)
            assert apply_async.call_count == 0  # not before commit
        for callback in callbacks:
            callback()
    apply_async.assert_called_once()
    assert apply_async.call_args.kwargs["headers"] == {
        "_schema_name": cast.comune_a.ente.schema_name
    }


def test_periodic_job_fans_out_to_every_schema(cast):
    for ente in (cast.comune_a.ente, cast.comune_b.ente):
        with schema_context(ente.schema_name):
            audit_log(action="prova.fanout")
    queued = audit_seal_all_tenants.apply().get()
    assert queued >= 4  # two comuni, the zone, the region
    for ente in (cast.comune_a.ente, cast.comune_b.ente):
        with schema_context(ente.schema_name):
            assert AuditSeal.objects.exists()


def test_provisioning_from_the_page_runs_as_a_task_with_progress(
    cast, django_capture_on_commit_callbacks
):
    client = client_for(cast.superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/piattaforma/comuni/nuovo/",
            {"istat_code": "054012", "name": "Corciano", "zona": cast.zona.code,
             "slug": "corciano", "belfiore_code": "C990", "provincia": "PG",
             "population": "21000"},
        )
    assert response.status_code == 302
    job = Job.objects.get(kind="provision_comune", params__istat_code="054012")
    assert response["Location"] == f"/jobs/{job.public_id}/"
    assert job.status == Job.Status.DONE
    assert job.progress == 100
    assert Comune.objects.filter(istat_code="054012").exists()
    page = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert page.status_code == 200
    assert 'data-job-status="done"' in page.content.decode()


def test_provisioning_with_bad_input_fails_the_job_with_its_reason(
    cast, django_capture_on_commit_callbacks
):
    client = client_for(cast.superuser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/piattaforma/comuni/nuovo/",
            {"istat_code": "054039", "name": "Altro", "zona": cast.zona.code, "slug": "altro"},
        )
    job = Job.objects.get(kind="provision_comune", params__istat_code="054039")
    assert job.status == Job.Status.FAILED
    assert "già usato dal comune di Perugia" in job.message
    assert not Comune.objects.filter(name="Altro").exists()


def test_a_job_page_is_only_for_who_started_it(cast, django_capture_on_commit_callbacks):
    from tenants.jobs import job_start_provision_comune

    with mock.patch("tenants.tasks.provision_comune.apply_async"):
        job = job_start_provision_comune(params={"istat_code": "000000"}, actor=cast.superuser)
    other = client_for(cast.by_role["dirigente"])
    assert other.get(f"/jobs/{job.public_id}/").status_code == 404


def test_cache_keys_carry_the_schema(cast):
    with schema_context(cast.comune_a.ente.schema_name):
        cache.set("contatore", "A")
    with schema_context(cast.comune_b.ente.schema_name):
        assert cache.get("contatore") is None
        cache.set("contatore", "B")
    with schema_context(cast.comune_a.ente.schema_name):
        assert cache.get("contatore") == "A"
    assert connection.schema_name == "public"


def test_comune_form_refuses_a_bad_istat_code_on_the_form(cast):
    response = client_for(cast.superuser).post(
        "/piattaforma/comuni/nuovo/", {"istat_code": "12", "name": "X", "zona": cast.zona.code}
    )
    assert response.status_code == 200
    assert "6 cifre" in response.content.decode()
    assert not Job.objects.filter(params__istat_code="12").exists()


def test_expired_session_poll_redirects_the_whole_page(cast):
    from django.test import Client

    response = Client(HTTP_HOST="localhost").get(
        "/jobs/00000000-0000-0000-0000-000000000000/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/accounts/login/")
