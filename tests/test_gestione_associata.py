"""A zone whose ufficio di piano manages services itself for all its comuni (gestione
associata): the zone's schema holds the same case-work apps as a comune's, the case-work
roles may be given in the zone, and what it records stays in its own schema."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import schema_context, tenant_context

from services.anagrafica.models import Persona
from services.anagrafica.services import Actor
from services.cartella.models import Cartella
from services.cartella.services import cartella_apri
from services.core.errors import ValidationFailed
from services.determine.selectors import voci_piano_del_comune
from services.determine.services import determina_create
from services.interventi.services import intervento_decide, intervento_propose, servizio_create
from tenants.models import Membership, User
from tenants.roles import Role
from tenants.selectors import zona_id_of
from tenants.services.members import membership_grant, user_create
from tests.cartella.conftest import new_persona
from tests.conftest import client_for
from tests.factories import PASSWORD, person
from zone.catalogo.models import CodicePrestazione
from zone.piano.models import Piano, VocePiano

CASEWORK_ROLES = [Role.OPERATORE_SPORTELLO, Role.ASSISTENTE_SOCIALE, Role.EDUCATORE,
                  Role.PSICOLOGO, Role.AMMINISTRATIVO, Role.DIRIGENTE]


def _user(email: str) -> User:
    p = person()
    return user_create(email=email, first_name=p.first_name, last_name=p.last_name,
                       password=PASSWORD, codice_fiscale=p.codice_fiscale)


@pytest.fixture
def ufficio(cast) -> dict[str, User]:
    """The ufficio di piano's own team: one user per case-work role, in the zone."""
    team = {}
    for role in (Role.ASSISTENTE_SOCIALE, Role.AMMINISTRATIVO, Role.DIRIGENTE):
        user = _user(f"{role.value}@ufficiodipiano.test")
        membership_grant(user=user, ente=cast.zona.ente, role=role)
        team[role.value] = user
    return team


def _voce(zona, codice="2.1"):
    with schema_context("public"):
        piano = Piano.objects.create(zona=zona, titolo="Piano di zona 2025-2027",
                                     anno_inizio=2025, anno_fine=2027)
        return VocePiano.objects.create(piano=piano, codice=codice,
                                        descrizione="Servizio affidi zonale",
                                        area_target="famiglia_minori")


@pytest.mark.parametrize("role", [r.value for r in CASEWORK_ROLES])
def test_case_work_roles_may_be_given_in_the_zone(cast, role):
    user = _user(f"{role}@zona.test")
    membership = membership_grant(user=user, ente=cast.zona.ente, role=role)
    assert (membership.ente_id, membership.role) == (cast.zona.ente_id, role)


def test_zone_and_region_roles_stay_where_they_belong(cast):
    user = _user("misplaced@zona.test")
    for role, ente in [(Role.COORDINATORE_ZONA, cast.comune_a.ente),
                       (Role.OSSERVATORE_REGIONALE, cast.zona.ente),
                       (Role.ASSISTENTE_SOCIALE, cast.regione.ente)]:
        with pytest.raises(ValidationFailed, match="non si può assegnare"):
            membership_grant(user=user, ente=ente, role=role)
    assert not Membership.objects.filter(user=user).exists()


def test_zona_id_of_each_kind_of_ente(cast):
    assert zona_id_of(cast.comune_a.ente) == cast.zona.pk
    assert zona_id_of(cast.zona.ente) == cast.zona.pk
    assert zona_id_of(cast.regione.ente) is None
    assert zona_id_of(None) is None


def test_the_zone_keeps_its_own_people_and_case_files(cast, ufficio):
    """A person and a case file recorded by the zone live in the zone's schema: the comuni
    do not see them, and the zone does not see the comuni's."""
    zona_as = Actor(ufficio["assistente_sociale"], "10.2.2.2")
    with tenant_context(cast.zona.ente):
        persona = new_persona(zona_as)
        cartella = cartella_apri(actor=zona_as, persona=persona, area_target="famiglia_minori",
                                 data=date(2025, 4, 1))
        assert connection.schema_name == cast.zona.ente.schema_name
        assert Cartella.objects.filter(pk=cartella.pk).exists()
    with tenant_context(cast.comune_a.ente):
        assert not Persona.objects.filter(public_id=persona.public_id).exists()
        assert not Cartella.objects.filter(public_id=cartella.public_id).exists()
    zona_client = client_for(ufficio["assistente_sociale"], cast.zona.ente)
    assert zona_client.get(f"/cartelle/{cartella.public_id}/").status_code == 200
    # The comune's social worker has no membership in the zone: 404, never data.
    comune_client = client_for(cast.by_role["assistente_sociale"], cast.zona.ente)
    assert comune_client.get(f"/cartelle/{cartella.public_id}/").status_code == 404
    # And the zone's social worker none in the comune.
    assert client_for(ufficio["assistente_sociale"], cast.comune_a.ente).get(
        "/anagrafica/").status_code == 404


ZONA_CASEWORK_PAGES = {
    "/anagrafica/": "view_anagrafica",
    "/anagrafica/nuova/": "edit_anagrafica",
    "/accesso/": "write_scheda_accesso|view_cartella",
    "/cartelle/": "view_cartella",
    "/pai/cruscotto/": "view_cartella",
    "/servizi/": "manage_servizi",
    "/servizi/interventi/": "propose_intervento|decide_intervento|manage_determine",
    "/domande/": "manage_domande",
    "/determine/": "manage_determine",
    "/fornitori/": "manage_fornitori",
    "/invii/ricevuti/": "view_cartella",
}


@pytest.mark.parametrize("path", list(ZONA_CASEWORK_PAGES))
def test_zone_case_work_pages_by_role(cast, ufficio, path):
    from tenants.roles import ROLE_CAPABILITIES

    for role, user in [*ufficio.items(), ("coordinatore_zona", cast.coordinatore)]:
        allowed = any(c in ROLE_CAPABILITIES[role] for c in ZONA_CASEWORK_PAGES[path].split("|"))
        response = client_for(user, cast.zona.ente).get(path)
        assert response.status_code == (200 if allowed else 403), (role, path)


def test_the_register_import_is_not_offered_in_the_zone(cast, ufficio):
    """The population register belongs to each comune: the zone has no import page."""
    client = client_for(ufficio["dirigente"], cast.zona.ente)
    assert client.get("/anagrafica/importazioni/").status_code == 404
    page = client.get("/").content.decode()
    assert "Importa dall&#x27;anagrafe" not in page


def test_menu_and_home_of_the_zone_show_its_own_case_work(cast, ufficio):
    page = client_for(ufficio["dirigente"], cast.zona.ente).get("/").content.decode()
    assert 'id="gestione-associata"' in page
    assert "Servizi gestiti" in page
    assert "Anagrafica" in page
    # The coordinator sees the plan and the reports, not the case work.
    page = client_for(cast.coordinatore, cast.zona.ente).get("/").content.decode()
    assert 'id="gestione-associata"' not in page
    assert "Ricerca persone" not in page
    assert "Piano di zona" in page


def test_a_determina_of_the_zone_funds_a_line_of_its_own_plan(cast, ufficio):
    voce = _voce(cast.zona)
    other_zone_line = uuid.uuid4()
    amministrativo = Actor(ufficio["amministrativo"], "10.2.2.3")
    with tenant_context(cast.zona.ente):
        assert [v.public_id for v in voci_piano_del_comune()] == [voce.public_id]
        with pytest.raises(ValidationFailed, match="piano di zona del tuo ambito"):
            determina_create(actor=amministrativo, data_adozione=date(2025, 2, 1),
                             oggetto="Affidi", capitolo="1", importo_impegnato=Decimal("5"),
                             voce_piano=str(other_zone_line))
        d = determina_create(actor=amministrativo, data_adozione=date(2025, 2, 1),
                             oggetto="Affidi familiari 2025", capitolo="1",
                             importo_impegnato=Decimal("5000.00"), voce_piano=str(voce.public_id))
        assert d.voce_piano == voce.public_id


def test_proposal_and_decision_in_the_zone(cast, ufficio):
    """The money path works the same in the zone: a social worker proposes, the zone's
    dirigente decides."""
    assistente = Actor(ufficio["assistente_sociale"], "10.2.2.2")
    dirigente = Actor(ufficio["dirigente"], "10.2.2.4")
    with tenant_context(cast.zona.ente):
        servizio = servizio_create(
            actor=dirigente, nome="Contributo affido familiare", tipo="economica",
            area_target="famiglia_minori", carattere="periodico",
            codice_prestazione=CodicePrestazione.objects.get(codice="A1.02"))
        persona = new_persona(assistente)
        proposta = intervento_propose(actor=assistente, persona=persona, servizio=servizio,
                                      data_inizio=date(2025, 3, 1), data_fine=date(2025, 5, 31),
                                      importo_mensile=Decimal("400.00"))
        deciso = intervento_decide(actor=dirigente, intervento=proposta, approva=True)
        assert deciso.stato == "approvato"
        assert deciso.pagamenti.count() == 3
    page = client_for(ufficio["dirigente"], cast.zona.ente).get("/").content.decode()
    assert 'id="gestione-associata"' in page
