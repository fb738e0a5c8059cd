"""Shared pieces of the case-file tests: a person in charge of A's social worker, schede
forwarded by the front office, uploaded files kept in a temporary media folder."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from services.accesso.models import SchedaAccesso
from services.anagrafica.services import Actor, persona_create
from services.cartella.services import cartella_apri
from services.core.numbering import next_number
from tests.factories import person


def new_persona(actor: Actor, **kwargs):
    p = person(**kwargs)
    return persona_create(actor=actor, cognome=p.last_name, nome=p.first_name, sesso=p.sex,
                          data_nascita=p.birth_date, codice_fiscale=p.codice_fiscale)


def new_scheda(utente, *, interlocutore: str = SchedaAccesso.Interlocutore.UTENTE,
               stato: str = SchedaAccesso.Stato.INOLTRATA, quando: datetime | None = None,
               **extra) -> SchedaAccesso:
    """A scheda as the front office leaves it after forwarding it to the social worker."""
    quando = quando or timezone.now()
    if interlocutore == SchedaAccesso.Interlocutore.AUTORITA_GIUDIZIARIA:
        extra.setdefault("provvedimento_numero", "123/2025")
        extra.setdefault("provvedimento_data", quando.date())
        extra.setdefault("interlocutore_ente", "Tribunale per i minorenni di Perugia")
    return SchedaAccesso.objects.create(
        numero=next_number("scheda", quando.year), data=quando,
        canale=SchedaAccesso.Canale.PERSONA, interlocutore_tipo=interlocutore, utente=utente,
        bisogno_espresso=extra.pop("bisogno_espresso", "Difficoltà a pagare l'affitto"),
        stato=stato, esito=SchedaAccesso.Esito.INOLTRO_AS if stato == "inoltrata" else "",
        operatore_id=0, operatore_label="sportello@perugia.test", **extra)


@pytest.fixture
def in_a(cast):
    """Work inside comune A as its social worker (tenant_context: capability checks see it)."""
    with tenant_context(cast.comune_a.ente):
        yield Actor(cast.by_role["assistente_sociale"], "10.1.1.1")


@pytest.fixture
def caso(cast, in_a):
    persona = new_persona(in_a)
    return cartella_apri(actor=in_a, persona=persona, area_target="poverta",
                         data=date(2025, 1, 15), motivo="Primo colloquio")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def files_under(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]
