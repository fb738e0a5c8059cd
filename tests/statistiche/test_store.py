"""The reporting store: what it holds (nothing that names a person), idempotent refreshes,
incremental refreshes with cancellations and deletions, and a failing comune."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from services.interventi.models import Intervento
from zone import aggregation
from zone.statistiche.models import (
    Aggiornamento,
    FattoDomanda,
    FattoIntervento,
    FattoLiquidazione,
    FattoSpesa,
)
from zone.statistiche.services import store_refresh_comune
from zone.statistiche.tasks import refresh_zona

STORE = [FattoIntervento, FattoLiquidazione, FattoDomanda, FattoSpesa, Aggiornamento]
HEX64 = re.compile(r"^[0-9a-f]{64}$")


def _dump() -> dict[str, list[tuple]]:
    """Every column of every store table, as the database holds it."""
    out = {}
    with connection.cursor() as cursor:
        for model in STORE:
            cursor.execute(f'SELECT * FROM "{model._meta.db_table}" ORDER BY id')  # noqa: S608
            out[model._meta.db_table] = cursor.fetchall()
    return out


def _refresh(cast, **kw):
    refresh_zona.delay(cast.zona.pk, **kw)


def test_store_never_holds_names_codici_fiscali_or_free_text(cast, dati):
    _refresh(cast)
    dump = _dump()
    assert dump["statistiche_fattointervento"], "the refresh wrote nothing"
    cfs = {p.codice_fiscale for p in dati.persone}
    for table, rows in dump.items():
        for row in rows:
            for value in row:
                text = str(value)
                if HEX64.match(text):
                    # a keyed hash, and not the plain hash of a codice fiscale
                    assert text not in {hashlib.sha256(cf.encode()).hexdigest() for cf in cfs}
                    continue
                for segreto in dati.segreti:
                    assert segreto.lower() != text.lower(), (table, segreto)
                    if len(segreto) >= 4:
                        assert segreto.lower() not in text.lower(), (table, segreto, text)


def test_facts_are_what_the_comuni_hold(cast, dati):
    _refresh(cast)
    a1 = FattoIntervento.objects.get(origine_id=dati.interventi["a1"].public_id)
    assert (a1.comune_id, a1.codice_prestazione, a1.area_target, a1.anno, a1.mese, a1.stato) == (
        cast.comune_a.pk, "A1.04.01", "poverta", 2025, 3, "in_corso")
    assert a1.importo_totale == Decimal("1200.00")
    b1 = FattoIntervento.objects.get(origine_id=dati.interventi["b1"].public_id)
    # the same codice fiscale in two comuni: the same hash
    assert b1.persona_hash == a1.persona_hash
    assert HEX64.match(a1.persona_hash)
    liquidato = {(f.comune_id, f.codice_prestazione, f.mese): f.importo
                 for f in FattoLiquidazione.objects.all()}
    assert liquidato[(cast.comune_a.pk, "A1.04.01", 3)] == Decimal("300.00")
    assert liquidato[(cast.comune_a.pk, "A1.04.01", 6)] == Decimal("1234.56")  # the invoice
    spesa = FattoSpesa.objects.get(comune=cast.comune_a)
    assert (spesa.importo_impegnato, spesa.importo_liquidato, spesa.codice_prestazione) == (
        Decimal("5000.00"), Decimal("1834.56"), "A1.04.01")
    assert set(FattoDomanda.objects.values_list("stato", flat=True)) == {
        "presentata", "accolta", "istruttoria"}
    agg = Aggiornamento.objects.get(comune=cast.comune_a)
    assert agg.stato == "completato"
    assert agg.righe_lette > 0
    assert agg.watermark is not None


def test_refresh_is_idempotent(cast, dati):
    _refresh(cast)
    before = _dump()
    _refresh(cast)  # incremental: the overlap window reads everything again
    _refresh(cast, completo=True)
    after = _dump()
    strip = {"statistiche_aggiornamento"}  # bookkeeping records each run, by design
    assert {k: v for k, v in before.items() if k not in strip} == \
        {k: v for k, v in after.items() if k not in strip}
    assert Aggiornamento.objects.get(comune=cast.comune_a).righe_scritte == 0


def test_incremental_refresh_follows_cancellations_and_deletions(cast, dati):
    _refresh(cast)
    with tenant_context(cast.comune_a.ente):
        i = Intervento.objects.get(pk=dati.interventi["a2"].pk)
        i.stato = "annullato"
        i.save(update_fields=["stato", "updated_at"])
        Intervento.objects.filter(pk=dati.interventi["a3"].pk).delete()
    store_refresh_comune(comune=cast.comune_a)
    assert FattoIntervento.objects.get(origine_id=dati.interventi["a2"].public_id).stato == "annullato"
    assert not FattoIntervento.objects.filter(origine_id=dati.interventi["a3"].public_id).exists()
    agg = Aggiornamento.objects.get(comune=cast.comune_a)
    assert (agg.righe_scritte, agg.righe_rimosse) == (1, 1)


def test_a_failing_comune_is_reported_and_the_others_go_on(cast, dati, monkeypatch):
    real = aggregation.estrai_comune

    def flaky(*, since, residenza=False):
        if connection.schema_name == cast.comune_b.ente.schema_name:
            raise ConnectionError("schema unreachable")
        return real(since=since, residenza=residenza)

    monkeypatch.setattr(aggregation, "estrai_comune", flaky)
    _refresh(cast)
    assert FattoIntervento.objects.filter(comune=cast.comune_a).count() == 4
    assert not FattoIntervento.objects.filter(comune=cast.comune_b).exists()
    b = Aggiornamento.objects.get(comune=cast.comune_b)
    assert (b.stato, b.errore, b.tentativi) == ("errore", "ConnectionError", 1)
    assert Aggiornamento.objects.get(comune=cast.comune_a).stato == "completato"
    # the retry, once the schema answers again, completes it
    monkeypatch.setattr(aggregation, "estrai_comune", real)
    _refresh(cast)
    b.refresh_from_db()
    assert (b.stato, b.errore, b.tentativi) == ("completato", "", 0)
    assert FattoIntervento.objects.filter(comune=cast.comune_b).count() == 2


def test_refresh_task_retries_when_running_on_a_worker(cast, dati, monkeypatch):
    from celery.exceptions import Retry

    from zone.statistiche import tasks

    def boom(*, since, residenza=False):
        raise ConnectionError("down")

    monkeypatch.setattr(aggregation, "estrai_comune", boom)
    task = tasks.refresh_ente
    asked = {}

    def retry(**kw):
        asked.update(kw)
        return Retry("again", when=kw["countdown"])

    monkeypatch.setattr(task, "retry", retry)
    task.push_request(retries=1, is_eager=False)  # as a worker runs it, after one retry
    try:
        with pytest.raises(Retry):
            task.run(cast.comune_a.ente_id)
    finally:
        task.pop_request()
    assert asked["countdown"] == 120
    assert isinstance(asked["exc"], ConnectionError)
    assert Aggiornamento.objects.get(comune=cast.comune_a).stato == "errore"


def test_zone_totals_equal_the_sum_of_the_comuni_to_the_cent(cast, dati, settings):
    from zone.statistiche.selectors import report_zona

    settings.AMBITO_SMALL_CELL_THRESHOLD = 1  # every row shown: the figures are compared
    _refresh(cast)
    comuni = list(cast.zona.comuni.all())
    diretti = aggregation.totali_diretti(comuni, anno=2025)
    report = report_zona(cast.zona, 2025)
    assert report.liquidato == sum((t.liquidato for t in diretti.values()), Decimal("0.00"))
    assert report.liquidato == Decimal("2284.66")
    assert report.interventi == sum(t.interventi for t in diretti.values()) == 5
    # a person followed by both comuni counts once in the zone
    assert report.persone == len(set().union(*(t.persone for t in diretti.values()))) == 3
    per_comune = {r.chiave: r for r in report.per_comune}
    for c in comuni:
        assert per_comune[c.pk].liquidato == diretti[c.pk].liquidato
        assert per_comune[c.pk].persone == len(diretti[c.pk].persone)
    per_codice = {r.chiave: r.liquidato for r in report.per_codice if r.liquidato}
    atteso: dict[str, Decimal] = {}
    for t in diretti.values():
        for codice, v in t.per_codice.items():
            atteso[codice] = atteso.get(codice, Decimal("0.00")) + v
    assert per_codice == atteso


def test_reporting_key_changes_the_hash(settings):
    h1 = aggregation.persona_hash("RSSMRA80A01G478X")
    settings.AMBITO_REPORTING_KEY = "another-key"
    assert aggregation.persona_hash("rssmra80a01g478x ") != h1
    assert aggregation.fascia_eta(date(2010, 5, 1), date(2025, 5, 1)) == "0-17"


def test_store_report_equals_a_plain_loop_over_the_schemas(cast, dati, settings):
    from zone.statistiche.selectors import report_zona

    settings.AMBITO_SMALL_CELL_THRESHOLD = 1  # every row shown: the figures are compared
    refresh_zona.delay(cast.zona.pk)
    store = report_zona(cast.zona, 2025)
    loop = aggregation.report_diretto(list(cast.zona.comuni.all()), anno=2025)
    assert store.liquidato == loop.liquidato
    assert store.persone == len(loop.persone)
    for dim, righe in (("codice", store.per_codice), ("area", store.per_area),
                       ("comune", store.per_comune), ("mese", store.per_mese)):
        for r in righe:
            assert r.persone == len(loop.persone_per.get((dim, r.chiave), ())), (dim, r.chiave)
            assert r.liquidato == loop.liquidato_per.get((dim, r.chiave), Decimal("0.00"))
