"""A comune A with a determina, services of home care and placements, a cooperative and a
structure with their contracts, and approved interventions for people: what the invoice
checks of fornitori, domiciliare and ricoveri work on."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from services.anagrafica.services import Actor
from services.determine.models import Determina
from services.fornitori.models import Contratto, Fornitore
from services.fornitori.services import contratto_create, fornitore_create
from services.interventi.models import Intervento, Servizio
from tests.cartella.conftest import new_persona

D = Decimal
_seq = itertools.count(1)


def piva(seed: int) -> str:
    """A valid partita IVA from ten digits of ``seed``."""
    body = f"{seed:010d}"[-10:]
    total = 0
    for i, ch in enumerate(body):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


IBAN = "IT60X0542811101000000123456"


def servizio(tipo: str) -> Servizio:
    nome = {"domiciliare": "Assistenza domiciliare anziani",
            "ricovero": "Ricovero in RSA"}.get(tipo, tipo)
    obj, _created = Servizio.objects.get_or_create(
        nome=nome, defaults={"tipo": tipo, "area_target": "anziani", "carattere": "periodico"})
    return obj


def intervento(actor: Actor, tipo: str, *, stato: str = Intervento.Stato.APPROVATO,
               persona=None) -> Intervento:
    s = servizio(tipo)
    return Intervento.objects.create(
        persona=persona or new_persona(actor), servizio=s, tipo=tipo, carattere=s.carattere,
        area_target=s.area_target, stato=stato, proposto_il=date(2025, 1, 10),
        deciso_il=date(2025, 1, 20) if stato in ("approvato", "respinto", "in_corso") else None,
        data_inizio=date(2025, 2, 1))


def determina(importo: str = "100000.00") -> Determina:
    return Determina.objects.create(
        numero=f"D{next(_seq)}", data_adozione=date(2025, 1, 5), esercizio=2025,
        oggetto="Servizi affidati 2025", capitolo="1100", importo_impegnato=D(importo))


def cooperativa(actor: Actor, nome: str = "Cooperativa Il Girasole") -> Fornitore:
    return fornitore_create(actor=actor, ragione_sociale=nome, tipo="cooperativa",
                            codice_fiscale=piva(next(_seq) * 7919), pec="girasole@pec.it",
                            iban=IBAN)


def gestore_struttura(actor: Actor, nome: str = "Opera Pia San Martino") -> Fornitore:
    return fornitore_create(actor=actor, ragione_sociale=nome, tipo="struttura",
                            codice_fiscale=piva(next(_seq) * 104729), iban=IBAN)


@dataclass
class Scena:
    actor: Actor
    dirigente: Actor
    determina: Determina
    coop: Fornitore
    contratto_sad: Contratto
    gestore: Fornitore
    contratto_rsa: Contratto


@pytest.fixture
def scena(cast):
    """Work inside comune A as its amministrativo, with the dirigente at hand."""
    with tenant_context(cast.comune_a.ente):
        actor = Actor(cast.by_role["amministrativo"], "10.1.1.2")
        det = determina()
        coop = cooperativa(actor)
        sad = contratto_create(actor=actor, fornitore=coop, servizio=servizio("domiciliare"),
                               numero="SAD-2025", dal=date(2025, 1, 1), al=date(2025, 12, 31),
                               determina=det, tariffa_oraria=D("21.50"),
                               importo_massimo=D("50000.00"))
        gestore = gestore_struttura(actor)
        rsa = contratto_create(actor=actor, fornitore=gestore, servizio=servizio("ricovero"),
                               numero="RSA-2025", dal=date(2025, 1, 1), al=date(2025, 12, 31),
                               determina=det, tariffa_giornaliera=D("85.00"),
                               posti_massimi=10, importo_massimo=D("40000.00"))
        yield Scena(actor=actor, dirigente=Actor(cast.by_role["dirigente"], "10.1.1.3"),
                    determina=det, coop=coop, contratto_sad=sad, gestore=gestore,
                    contratto_rsa=rsa)
