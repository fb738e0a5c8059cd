"""Loading editions of the catalogue: idempotent, versioned, all-or-nothing."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from services.core.errors import ValidationFailed
from services.core.models import AuditEntry
from zone.catalogo.models import CodicePrestazione, Edizione, VoceNomenclatore
from zone.catalogo.services import FileNonValido, edizione_carica

D1 = datetime.date(2027, 1, 1)
D2 = datetime.date(2027, 7, 1)
NOMENCLATORE_1 = (
    "code;name;macro_area;area_target\n"
    "A1;Segretariato sociale;Interventi e servizi;MULBEN\n"
    "B2;Assistenza domiciliare;Interventi e servizi;anziani\n"
    "C3;Contributi economici;Trasferimenti in denaro;POV\n"
)


def carica(data: str, codice: str = "n-1", dal: datetime.date = D1, tipo: str = "nomenclatore"):
    return edizione_carica(tipo=tipo, codice=codice, data=data.encode(), in_vigore_dal=dal)


def stato():
    return sorted(VoceNomenclatore.objects.values_list("codice", "nome", "area_target",
                                                       "ritirato_in__codice"))


def test_the_shipped_inps_reference_is_loaded_by_the_migration(db):
    edizione = Edizione.objects.get(tipo="inps", codice="riferimento-2026-11")
    shipped = Path("zone/catalogo/data/codici_prestazione_inps.csv").read_text().splitlines()
    assert CodicePrestazione.objects.filter(introdotto_in=edizione).count() == len(shipped) - 1
    assert CodicePrestazione.objects.get(codice="A1.09").nome == "Telesoccorso e teleassistenza"


def test_every_shipped_inps_code_of_the_isee_list_has_its_name(db):
    """No page shows a bare "A1.02": the codes shipped without a name take the one of the
    INPS PrestazioneDaErogare list; a name from the SIUSS source itself is kept."""
    nomi = dict(
        line.split(",", 1)
        for line in Path("zone/catalogo/data/nomi_prestazioni_inps.csv").read_text().splitlines()[1:]
    )
    assert CodicePrestazione.objects.get(codice="A1.02").nome == "Assegno Maternità erogato dai Comuni"
    assert CodicePrestazione.objects.get(codice="A3.03").nome == "Asilo Nido"
    senza_nome = CodicePrestazione.objects.filter(codice__in=list(nomi), nome="")
    assert not senza_nome.exists()
    assert "PrestazioneDaErogare" in Edizione.objects.get(codice="riferimento-2026-11").fonte


def test_the_notes_operators_read_on_the_shipped_codes_are_in_italian(db):
    """The researchers' English notes on where a code was found never reach a page."""
    note = set(CodicePrestazione.objects.filter(introdotto_in__codice="riferimento-2026-11")
               .values_list("descrizione", flat=True))
    assert not [n for n in note if n.startswith(("INPS SIUSS", "INPS code", "as above",
                                                 "only in", "SISO", "INPS WaaS"))]
    assert CodicePrestazione.objects.get(codice="A1.09").descrizione.startswith(
        "Denominazione dall'esempio ufficiale")
    assert CodicePrestazione.objects.get(codice="A1.02").descrizione.startswith(
        "Denominazione dall'elenco PrestazioneDaErogare")


def test_loading_twice_changes_nothing(db):
    first = carica(NOMENCLATORE_1)
    assert first.creata
    assert first.nuovi == ["A1", "B2", "C3"]
    assert VoceNomenclatore.objects.get(codice="C3").area_target == "poverta"
    before, entries = stato(), AuditEntry.objects.count()
    again = carica(NOMENCLATORE_1)
    assert not again.cambiato
    assert again.invariati == 3
    assert stato() == before
    assert AuditEntry.objects.count() == entries


def test_a_new_edition_retires_missing_codes_and_renames_with_an_audit_entry(db):
    carica(NOMENCLATORE_1)
    b2 = VoceNomenclatore.objects.get(codice="B2")
    esito = carica("code,name,area_target\nA1,Segretariato sociale,MULBEN\n"
                   "B2,Assistenza domiciliare socio-assistenziale,anziani\nD4,Nuovo servizio,\n",
                   codice="n-2", dal=D2)
    assert esito.nuovi == ["D4"]
    assert esito.modificati == ["B2"]
    assert esito.ritirati == ["C3"]
    c3 = VoceNomenclatore.objects.get(codice="C3")  # still there, still valid for the past
    assert c3.ritirato_in.codice == "n-2"
    assert not c3.attivo
    assert c3.introdotto_in.codice == "n-1"
    b2.refresh_from_db()
    assert b2.nome == "Assistenza domiciliare socio-assistenziale"
    assert b2.attivo
    entry = AuditEntry.objects.get(action="catalogo.voce_modificata", object_id=str(b2.public_id))
    assert entry.payload["prima"] == {"nome": "Assistenza domiciliare"}

    back = carica(NOMENCLATORE_1, codice="n-3", dal=datetime.date(2028, 1, 1))
    assert back.riattivati == ["C3"]
    assert sorted(back.ritirati) == ["D4"]
    assert VoceNomenclatore.objects.get(codice="C3").ritirato_in is None


def test_a_retired_inps_code_stays_for_the_records_that_use_it(db):
    carica("code,name\nA1.09,Telesoccorso e teleassistenza\n", codice="inps-2027", tipo="inps")
    a101 = CodicePrestazione.objects.get(codice="A1.01")
    assert a101.ritirato_in.codice == "inps-2027"
    assert CodicePrestazione.objects.get(codice="A1.09").attivo


@pytest.mark.parametrize(("data", "reason"), [
    ("code,name\nA1,ok\n,senza codice\n", "riga 3: codice mancante"),
    ("code,name\nA1,uno\nA1,due\n", "ripetuto"),
    ("name\nsolo nomi\n", "manca la colonna"),
    ("code,area_target\nA1,XYZ\n", "area target «XYZ» sconosciuta"),
    ("", "il file è vuoto"),
])
def test_a_bad_file_changes_nothing_and_says_why(db, data, reason):
    carica(NOMENCLATORE_1)
    before, editions = stato(), Edizione.objects.count()
    with pytest.raises(FileNonValido) as exc:
        carica(data, codice="n-2", dal=D2)
    assert reason in str(exc.value)
    assert stato() == before
    assert Edizione.objects.count() == editions


def test_inps_codes_must_have_five_to_ten_characters(db):
    with pytest.raises(FileNonValido, match="codice «A1» non valido"):
        carica("code\nA1\n", codice="x", tipo="inps")


def test_an_older_edition_is_refused(db):
    carica(NOMENCLATORE_1, codice="n-2", dal=D2)
    with pytest.raises(ValidationFailed, match="più recente"):
        carica(NOMENCLATORE_1, codice="n-1", dal=D1)


def test_the_command_loads_and_reports(db, tmp_path, capsys):
    f = tmp_path / "n.csv"
    f.write_text(NOMENCLATORE_1)
    args = ["--tipo", "nomenclatore", "--edizione", "n-1", "--file", str(f),
            "--in-vigore-dal", "2027-01-01"]
    call_command("catalogo_load", *args)
    assert "3 nuovi" in capsys.readouterr().out
    call_command("catalogo_load", *args)
    assert "nulla da fare" in capsys.readouterr().out
    f.write_text("code\nA1\nA1\n")
    with pytest.raises(CommandError, match="ripetuto"):
        call_command("catalogo_load", *args[:-1], "2027-02-01")
