"""A three-year plan of the test zone: three sources, three lines (one with two sources, one
with none), and spending facts from both comuni as the determine would leave them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest

from services.anagrafica.services import Actor
from zone.piano.models import FonteFinanziamento, Piano, VocePiano
from zone.piano.services import fonte_create, piano_create, voce_create
from zone.statistiche.models import FattoSpesa

D = Decimal


def actor(user) -> Actor:
    return Actor(user, "192.0.2.30")


@dataclass
class Plan:
    piano: Piano
    fnps: FonteFinanziamento
    fna: FonteFinanziamento
    comuni: FonteFinanziamento
    anziani: VocePiano
    minori: VocePiano
    poverta: VocePiano


def fatto(comune, voce, impegnato, liquidato, esercizio=2026, gestore=None) -> FattoSpesa:
    """A determina's spending; ``gestore`` is the ente that adopted it (the comune itself,
    or the zone for a service in gestione associata)."""
    return FattoSpesa.objects.create(
        gestore=gestore or comune.ente, comune=comune, origine_id=uuid.uuid4(), esercizio=esercizio, voce_piano=voce.public_id,
        importo_impegnato=D(impegnato), importo_liquidato=D(liquidato))


@pytest.fixture
def plan(cast) -> Plan:
    a = actor(cast.coordinatore)
    piano = piano_create(actor=a, zona=cast.zona, titolo="Piano di zona 2026-2028",
                         anno_inizio=2026, anno_fine=2028, stato=Piano.Stato.APPROVATO)
    fnps = fonte_create(actor=a, piano=piano, tipo="fnps", nome="FNPS 2026")
    fna = fonte_create(actor=a, piano=piano, tipo="fna", nome="")
    comuni = fonte_create(actor=a, piano=piano, tipo="comuni", nome="Quote dei comuni")
    anziani = voce_create(actor=a, piano=piano, codice="1.1", descrizione="Assistenza domiciliare",
                          area_target="anziani", importi={fnps: "10000.00", fna: "5000.00"})
    minori = voce_create(actor=a, piano=piano, codice="1.2", descrizione="Centri per minori",
                         area_target="famiglia_minori", importi={fnps: "3333.33", comuni: "6666.67"})
    poverta = voce_create(actor=a, piano=piano, codice="1.3", descrizione="Pronto intervento",
                          area_target="poverta")
    return Plan(piano, fnps, fna, comuni, anziani, minori, poverta)


@pytest.fixture
def spesa(cast, plan):
    fatto(cast.comune_a, plan.anziani, "1000.01", "500.00")
    fatto(cast.comune_b, plan.anziani, "200.00", "100.00", esercizio=2027)
    fatto(cast.comune_a, plan.minori, "100.00", "33.33")
    fatto(cast.comune_b, plan.poverta, "50.00", "0.00")
    return plan
