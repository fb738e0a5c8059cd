"""The zone's own services (gestione associata) in the reporting store: fed from the zone's
schema, counted for the comune where each person lives, with nothing that names a person,
idempotent, and adding up with the comuni's own figures to the cent."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from services.anagrafica.services import Actor, indirizzo_cambia
from services.determine.modalita import modalita_pagamento_set
from services.determine.services import determina_create, liquidazione_create
from services.interventi.services import intervento_decide, intervento_propose, servizio_create
from tenants.models import Zona
from tenants.roles import Role
from tenants.services.members import membership_grant, user_create
from tests.cartella.conftest import new_persona
from tests.factories import PASSWORD, person
from zone import aggregation
from zone.catalogo.models import CodicePrestazione
from zone.statistiche import selectors
from zone.statistiche.models import Aggiornamento, FattoIntervento, FattoLiquidazione, FattoSpesa
from zone.statistiche.services import store_refresh_ente
from zone.statistiche.tasks import refresh_zona

from .test_store import _dump

D = Decimal
ROMA = "058091"  # a comune outside the zone


def _actor(cast, role: str) -> Actor:
    p = person()
    user = user_create(email=f"{role}@ufficiodipiano.test", first_name=p.first_name,
                       last_name=p.last_name, password=PASSWORD, codice_fiscale=p.codice_fiscale)
    membership_grant(user=user, ente=cast.zona.ente, role=role)
    return Actor(user, "10.3.3.3")


@pytest.fixture
def zona_dati(cast, dati):
    """Four people followed by the zone itself: one living in Assisi (B), one in Perugia
    (A), one in Rome (outside the zone), one with no residence recorded; a monthly benefit
    each, the first two months of each paid."""
    assistente = _actor(cast, Role.ASSISTENTE_SOCIALE)
    dirigente = _actor(cast, Role.DIRIGENTE)
    amministrativo = _actor(cast, Role.AMMINISTRATIVO)
    out = {"persone": {}, "interventi": {}}
    with tenant_context(cast.zona.ente):
        servizio = servizio_create(
            actor=dirigente, nome="Contributo affido familiare", tipo="economica",
            area_target="famiglia_minori", carattere="periodico",
            codice_prestazione=CodicePrestazione.objects.get(codice="A1.02"))
        residenze = {"assisi": ("Assisi", cast.comune_b.istat_code),
                     "perugia": ("Perugia", cast.comune_a.istat_code),
                     "roma": ("Roma", ROMA), "senza": None}
        for chiave, residenza in residenze.items():
            p = new_persona(assistente)
            modalita_pagamento_set(actor=amministrativo, persona=p, tipo="contanti")
            if residenza is not None:
                indirizzo_cambia(actor=assistente, persona=p, tipo="residenza",
                                 dal=date(2020, 1, 1), via="Via Roma", civico="1",
                                 comune=residenza[0], comune_istat=residenza[1])
            i = intervento_propose(actor=assistente, persona=p, servizio=servizio,
                                   data_inizio=date(2025, 3, 1), data_fine=date(2025, 5, 31),
                                   importo_mensile=D("250.00"))
            out["persone"][chiave] = p
            out["interventi"][chiave] = intervento_decide(actor=dirigente, intervento=i,
                                                          approva=True)
        det = determina_create(actor=amministrativo, data_adozione=date(2025, 2, 1),
                               oggetto="Affidi familiari 2025", capitolo="1900",
                               importo_impegnato=D("6000.00"), servizio=servizio)
        rate = [("interventi.pagamento", pg.pk) for i in out["interventi"].values()
                for pg in i.pagamenti.order_by("competenza")[:2]]
        for i in out["interventi"].values():
            i.determina = det
            i.save(update_fields=["determina", "updated_at"])
        liquidazione_create(actor=amministrativo, determina=det, oggetti=rate,
                            data=date(2025, 5, 15))
        out["determina"] = det
        out["segreti"] = {p.codice_fiscale for p in out["persone"].values()} | {
            p.cognome for p in out["persone"].values()}
    return out


def test_the_zone_is_refreshed_with_its_comuni(cast, zona_dati):
    assert refresh_zona.delay(cast.zona.pk).get() == 3  # two comuni and the zone
    agg = Aggiornamento.objects.get(ente=cast.zona.ente)
    assert agg.comune_id is None
    assert agg.stato == "completato"
    assert FattoIntervento.objects.filter(gestore=cast.zona.ente).count() == 4
    assert FattoSpesa.objects.get(gestore=cast.zona.ente).importo_liquidato == D("2000.00")
    # the refresh page lists the zone's own row beside the comuni
    stati = selectors.aggiornamenti(cast.zona)
    assert [f.codice for f, _agg in stati] == [cast.comune_b.istat_code,
                                                cast.comune_a.istat_code, cast.zona.code]


def test_zone_facts_count_for_the_comune_where_the_person_lives(cast, zona_dati):
    refresh_zona.delay(cast.zona.pk)
    per_chiave = {k: FattoIntervento.objects.get(origine_id=i.public_id).comune_id
                  for k, i in zona_dati["interventi"].items()}
    capofila = cast.comune_a.pk  # Perugia leads the zone
    assert per_chiave == {"assisi": cast.comune_b.pk, "perugia": cast.comune_a.pk,
                          "roma": capofila, "senza": capofila}
    # payments follow their person; the determina (no person) counts for the capofila
    liquidazioni = FattoLiquidazione.objects.filter(gestore=cast.zona.ente)
    assert liquidazioni.filter(comune=cast.comune_b).count() == 2
    assert FattoSpesa.objects.get(gestore=cast.zona.ente).comune_id == capofila


def test_the_store_holds_nothing_that_names_the_zones_people(cast, zona_dati):
    refresh_zona.delay(cast.zona.pk)
    for table, rows in _dump().items():
        for row in rows:
            for value in row:
                for segreto in zona_dati["segreti"]:
                    # as a word: a short surname may be part of a code ("Nori", "minori")
                    pattern = rf"(?<![a-z0-9]){re.escape(segreto.lower())}(?![a-z0-9])"
                    assert not re.search(pattern, str(value).lower()), (table, segreto)
    # the residence code only picks the comune: no column keeps it
    assert not any("istat" in f.name or "residenza" in f.name
                   for f in FattoIntervento._meta.get_fields())


def test_refreshing_the_zone_twice_changes_nothing(cast, zona_dati):
    refresh_zona.delay(cast.zona.pk)
    prima = _dump()
    agg = store_refresh_ente(ente=cast.zona.ente)
    assert agg.righe_scritte == 0
    agg = store_refresh_ente(ente=cast.zona.ente, completo=True)
    assert agg.righe_scritte == 0
    dopo = _dump()
    for table in prima:
        if table != "statistiche_aggiornamento":
            assert prima[table] == dopo[table], table


def test_a_move_moves_the_facts_at_the_next_incremental_refresh(cast, zona_dati):
    refresh_zona.delay(cast.zona.pk)
    intervento = zona_dati["interventi"]["roma"]
    with tenant_context(cast.zona.ente):
        indirizzo_cambia(actor=Actor(None, ""), persona=zona_dati["persone"]["roma"],
                         tipo="residenza", dal=date(2025, 9, 1), via="Via Giotto",
                         comune="Assisi", comune_istat=cast.comune_b.istat_code)
    agg = store_refresh_ente(ente=cast.zona.ente)
    fatto = FattoIntervento.objects.get(origine_id=intervento.public_id)
    assert fatto.comune_id == cast.comune_b.pk
    assert agg.righe_scritte == 3  # the intervention and its two paid instalments


def test_zone_totals_equal_comuni_plus_the_zones_own_to_the_cent(cast, zona_dati, settings):
    settings.AMBITO_SMALL_CELL_THRESHOLD = 1  # every row shown: the figures are compared
    refresh_zona.delay(cast.zona.pk)
    comuni = list(cast.zona.comuni.all())
    diretti = aggregation.totali_diretti(comuni, anno=2025)
    propri = aggregation.totali_gestione_associata(cast.zona.ente, anno=2025)
    report = selectors.report_zona(cast.zona, 2025)
    assert report.liquidato == sum((t.liquidato for t in diretti.values()), propri.liquidato)
    assert propri.liquidato == D("2000.00")
    assert report.interventi == sum(t.interventi for t in diretti.values()) + propri.interventi
    persone = set().union(propri.persone, *(t.persone for t in diretti.values()))
    assert report.persone == len(persone)
    # and the store's report equals a plain loop over the comuni's and the zone's schemas
    zona = Zona.objects.get(pk=cast.zona.pk)  # with its capofila
    loop = aggregation.report_diretto(comuni, anno=2025, zona=zona)
    assert report.liquidato == loop.liquidato
    for r in report.per_comune:
        assert r.liquidato == loop.liquidato_per.get(("comune", r.chiave), D("0.00"))
        assert r.persone == len(loop.persone_per.get(("comune", r.chiave), ()))


def test_a_zone_without_capofila_is_reported_not_guessed(cast, zona_dati):
    Zona.objects.filter(pk=cast.zona.pk).update(capofila=None)
    refresh_zona.delay(cast.zona.pk)
    agg = Aggiornamento.objects.get(ente=cast.zona.ente)
    assert agg.stato == "errore"
    assert agg.errore == "ValidationFailed"
    assert not FattoIntervento.objects.filter(gestore=cast.zona.ente).exists()
    # the comuni went on
    assert Aggiornamento.objects.get(comune=cast.comune_a).stato == "completato"


def test_zone_and_comune_pages_show_the_zones_own_share(cast, zona_dati, settings):
    from tests.conftest import client_for

    settings.AMBITO_SMALL_CELL_THRESHOLD = 1  # every row shown: the figures are compared
    from tests.statistiche.test_pages import _url

    refresh_zona.delay(cast.zona.pk)
    report = selectors.report_zona(cast.zona, 2025)
    assert (report.gestione_associata.interventi, report.gestione_associata.persone,
            report.gestione_associata.liquidato) == (4, 4, D("2000.00"))
    html = client_for(cast.coordinatore, cast.zona.ente).get(
        _url("statistiche_zona", "zona") + "?anno=2025").content.decode()
    assert 'id="zona-gestione-associata"' in html
    assert "4 persone, 4 interventi, € 2.000,00 liquidati" in html
    xlsx = client_for(cast.coordinatore, cast.zona.ente).get(
        _url("statistiche_zona", "zona"), {"anno": 2025, "formato": "xlsx"})
    rows = list(load_workbook(io.BytesIO(xlsx.content))["Gestione associata"].values)
    assert rows[1][1:] == (4, 4, 2000)
    # Assisi: the one resident the zone follows; Perugia, the capofila: its resident and the
    # two the zone cannot place (outside the zone, no residence)
    confronto = selectors.confronto_comune(cast.comune_b, 2025)
    assert (confronto.gestione_associata.persone, confronto.gestione_associata.liquidato) == (
        1, D("500.00"))
    confronto = selectors.confronto_comune(cast.comune_a, 2025)
    assert (confronto.gestione_associata.persone, confronto.gestione_associata.liquidato) == (
        3, D("1500.00"))
    html = client_for(cast.by_role["dirigente"], cast.comune_a.ente).get(
        _url("statistiche_comune", "comune") + "?anno=2025").content.decode()
    assert 'id="comune-gestione-associata"' in html
