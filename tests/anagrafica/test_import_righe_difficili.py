"""Rows a spreadsheet or the csv module would trip on: a field over 128 kB is rejected
with its reason and the rest of the file goes on; a field that looks like a formula comes
back as text in the rejected-rows CSV."""

from __future__ import annotations

import csv
import io

from django_tenants.utils import tenant_context

from services.anagrafica.models import Persona
from tests.anagrafica.test_import import (  # noqa: F401 - fixtures
    DATA,
    ERRORI,
    _media,
    _ultima,
    amministrativo,
    carica,
)


def _righe(nome: str) -> list[str]:
    return (DATA / nome).read_text(encoding="utf-8").splitlines()


def test_a_field_over_128_kb_rejects_its_row_and_the_rest_goes_on(cast, carica):
    righe = _righe(ERRORI)
    campi = righe[2].split(";")
    campi[10] = '"' + "Via " + "x" * 140_000 + '"'  # via: a broken quote swallowed the file
    righe[2] = ";".join(campi)
    response = carica("anagrafe.csv", ("\n".join(righe) + "\n").encode())
    assert response.status_code == 302
    job = _ultima(cast)
    assert job.stato == "done", job.messaggio
    assert job.righe_totali == len(righe) - 1
    with tenant_context(cast.comune_a.ente):
        scarto = job.righe_scartate.get(numero_riga=3)
        assert "Il campo n. 11 della riga" in scarto.motivo
        assert "128 kB" in scarto.motivo
        assert Persona.objects.filter(cognome="Santoro", nome="Federica").exists()  # row 2


def test_formulas_in_rejected_rows_come_back_as_text(cast, carica, amministrativo):
    righe = _righe(ERRORI)
    campi = righe[2].split(";")
    campi[3], campi[4], campi[7] = "=cmd|' /C calc'!A0", "@SUM(1)", "-2+3"
    righe[2] = ";".join(campi)
    carica("anagrafe.csv", ("\n".join(righe) + "\n").encode())
    job = _ultima(cast)
    export = amministrativo.get(f"/anagrafica/importazioni/{job.public_id}/scartate.csv")
    testo = export.content.decode("utf-8-sig")
    riga = next(r for r in csv.reader(io.StringIO(testo), delimiter=";") if r and r[0] == "3")
    assert riga[2 + 3] == "'=cmd|' /C calc'!A0"
    assert riga[2 + 4] == "'@SUM(1)"
    assert riga[2 + 7] == "'-2+3"
    assert "=cmd|' /C calc'!A0" not in [c for r in csv.reader(io.StringIO(testo), delimiter=";")
                                        for c in r]
