"""The codice fiscale field as operators use it: codes pasted with spaces, and a company's
11-digit code typed by mistake."""

from __future__ import annotations

import re

import pytest
from django_tenants.utils import tenant_context

from services.anagrafica.models import Persona
from services.core.codice_fiscale import normalize_codice_fiscale
from services.core.errors import ValidationFailed
from tests.conftest import client_for
from tests.factories import person

from .test_pages import _create_form


@pytest.mark.parametrize("path", ["/anagrafica/nuova/", "/accesso/nuova/"])
def test_the_browser_does_not_cut_a_pasted_code(cast, path):
    page = client_for(cast.by_role["operatore_sportello"], cast.comune_a.ente).get(path)
    inputs = re.findall(r"<input[^>]*name=\"(?:[a-z]+-)?codice_fiscale\"[^>]*>",
                        page.content.decode())
    assert inputs
    for tag in inputs:
        assert "maxlength" not in tag


def test_a_code_pasted_with_spaces_is_accepted(cast):
    p = person()
    cf = p.codice_fiscale
    pasted = f"  {cf[:6]} {cf[6:11]} {cf[11:]}\t "
    client = client_for(cast.by_role["operatore_sportello"], cast.comune_a.ente)
    response = client.post("/anagrafica/nuova/", _create_form(p, codice_fiscale=pasted.lower()))
    assert response.status_code == 302
    with tenant_context(cast.comune_a.ente):
        assert Persona.objects.get().codice_fiscale == cf


def test_an_eleven_digit_code_is_a_company(cast):
    p = person()
    client = client_for(cast.by_role["operatore_sportello"], cast.comune_a.ente)
    response = client.post("/anagrafica/nuova/", _create_form(p, codice_fiscale="01234567890"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "società o a un ente" in text
    with tenant_context(cast.comune_a.ente):
        assert not Persona.objects.exists()
    with pytest.raises(ValidationFailed, match="11 cifre"):
        normalize_codice_fiscale(" 0123456789 0 ")


def test_a_too_long_code_is_named_as_typed(cast):
    p = person()
    typed = p.codice_fiscale + "X"
    client = client_for(cast.by_role["operatore_sportello"], cast.comune_a.ente)
    response = client.post("/anagrafica/nuova/", _create_form(p, codice_fiscale=typed))
    assert response.status_code == 200
    assert f"«{typed}» ne ha 17" in response.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert not Persona.objects.exists()
