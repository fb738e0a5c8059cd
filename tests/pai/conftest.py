"""Cases and plans for the PAI tests, built through the same services the pages call."""

from __future__ import annotations

from datetime import date, datetime
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from django_tenants.utils import tenant_context

from services.accesso.models import SchedaAccesso
from services.anagrafica.services import Actor, persona_create
from services.cartella.models import Cartella, ImpostazioniCartella
from services.cartella.services import cartella_apri
from services.pai.models import PAI
from services.pai.services import obiettivo_add, pai_create, pai_submit
from tenants.services.members import membership_grant, user_create
from tests.factories import PASSWORD, person

ROME = ZoneInfo("Europe/Rome")
_n = count(1)


def actor(user) -> Actor:
    return Actor(user, "192.0.2.10")


def nuova_persona(user):
    p = person()
    return persona_create(actor=actor(user), cognome=p.last_name, nome=p.first_name, sesso=p.sex,
                          data_nascita=p.birth_date, codice_fiscale=p.codice_fiscale)


def nuova_cartella(user, *, data: date = date(2025, 1, 15), scheda=None,
                   area_target: str = "poverta") -> Cartella:
    persona = scheda.utente if scheda is not None else nuova_persona(user)
    return cartella_apri(actor=actor(user), persona=persona, area_target=area_target, data=data,
                         motivo="Primo colloquio", scheda=scheda)


def nuova_scheda(user, *, quando: datetime, stato: str = SchedaAccesso.Stato.INOLTRATA):
    n = next(_n)
    return SchedaAccesso.objects.create(
        numero=f"2025/{n:06d}", data=quando, canale=SchedaAccesso.Canale.PERSONA,
        interlocutore_tipo=SchedaAccesso.Interlocutore.UTENTE, utente=nuova_persona(user),
        bisogno_espresso="Difficoltà economiche", stato=stato,
        operatore_id=user.pk, operatore_label=user.email,
    )


def rome(y: int, m: int, d: int, h: int = 10) -> datetime:
    return datetime(y, m, d, h, 0, tzinfo=ROME)


def approvazioni(*, pai: bool | None = None, chiusura: bool | None = None) -> None:
    settings = ImpostazioniCartella.current()
    if pai is not None:
        settings.approvazione_pai = pai
    if chiusura is not None:
        settings.approvazione_chiusura = chiusura
    settings.save()


def pai_pronto(user, cartella: Cartella, *, data_inizio: date = date(2025, 2, 1)) -> PAI:
    """A draft with one goal, ready to send."""
    pai = pai_create(actor=actor(user), cartella=cartella, data_inizio=data_inizio,
                     sintesi_bisogno="Nucleo monoreddito con debiti di affitto")
    obiettivo_add(actor=actor(user), pai=pai, descrizione="Rientro dalla morosità",
                  indicatore="Nessun arretrato entro sei mesi")
    return pai


def pai_in_vigore(user, cartella: Cartella, **kw) -> PAI:
    """A plan in force (the comune's approval rule is switched off for the call)."""
    settings = ImpostazioniCartella.current()
    prima = settings.approvazione_pai
    approvazioni(pai=False)
    pai = pai_submit(actor=actor(user), pai=pai_pronto(user, cartella, **kw))
    approvazioni(pai=prima)
    return pai


def altro_operatore(cast, role: str = "assistente_sociale"):
    p = person()
    user = user_create(email=f"{role}.{next(_n)}@perugia.test", first_name=p.first_name,
                       last_name=p.last_name, password=PASSWORD, codice_fiscale=p.codice_fiscale)
    membership_grant(user=user, ente=cast.comune_a.ente, role=role)
    return user


@pytest.fixture
def a(cast):
    """Inside comune A."""
    with tenant_context(cast.comune_a.ente):
        yield cast.comune_a.ente


@pytest.fixture
def worker(cast):
    return cast.by_role["assistente_sociale"]


@pytest.fixture
def dirigente(cast):
    return cast.by_role["dirigente"]


@pytest.fixture
def caso(a, worker):
    return nuova_cartella(worker)
