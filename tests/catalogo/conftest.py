from __future__ import annotations

from decimal import Decimal

import pytest

from services.anagrafica.services import Actor
from zone.catalogo.models import AreaTarget, CodicePrestazione
from zone.catalogo.services import listino_voce_create


def actor(user) -> Actor:
    return Actor(user, "192.0.2.20")


@pytest.fixture
def voce_listino(cast):
    return listino_voce_create(
        actor=actor(cast.coordinatore), zona=cast.zona, nome="Assistenza domiciliare anziani",
        tipo="domiciliare", codice_prestazione=CodicePrestazione.objects.get(codice="A1.09"),
        area_target=AreaTarget.ANZIANI, carattere="periodico", tariffa=Decimal("19.50"),
        unita_tariffa="ora",
    )
