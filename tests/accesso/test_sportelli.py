"""Front offices (sportelli): managed by the dirigente (the coordinator for the district's),
recorded on each scheda, and the district's shown on a comune's page."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from services.accesso.models import SchedaAccesso, Sportello
from services.accesso.selectors import sportelli_di
from services.accesso.services import scheda_create
from services.accesso.sportelli import sportello_create, sportello_deactivate, sportello_update
from services.anagrafica.services import Actor
from services.core.errors import AlreadyExists, ValidationFailed
from services.core.models import AuditEntry
from tenants.roles import ROLE_CAPABILITIES, Role
from tests.conftest import client_for

from .conftest import counts

COMUNE_ROLES = [r.value for r in Role if r not in (Role.COORDINATORE_ZONA,
                                                   Role.OSSERVATORE_REGIONALE)]


@pytest.fixture
def dirigente(in_a) -> Actor:
    return Actor(in_a.by_role["dirigente"], "10.2.0.9")


def _sportello(actor: Actor, nome: str = "Sportello centro", **kw) -> Sportello:
    kw.setdefault("indirizzo", "Piazza IV Novembre 1")
    kw.setdefault("orari", "lunedì e mercoledì 9-12")
    return sportello_create(actor=actor, nome=nome, **kw)


def _form(**overrides) -> dict:
    data = {"data_contatto": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "canale": "telefono", "interlocutore_tipo": "anonimo",
            "bisogno_espresso": "Chiede degli orari del centro diurno"}
    data.update(overrides)
    return data


# --- service rules ------------------------------------------------------------------------


def test_create_update_deactivate_are_audited(dirigente, in_a):
    op = in_a.by_role["operatore_sportello"]
    s = _sportello(dirigente, operatori_ids=[op.pk], email=" PUA@Perugia.IT ",
                   telefono="075 1234567")
    assert s.email == "pua@perugia.it"
    assert s.operatori_ids == [op.pk]
    assert s.attivo
    sportello_update(actor=dirigente, sportello=s, orari="martedì 15-18", operatori_ids=[])
    s.refresh_from_db()
    assert s.orari == "martedì 15-18"
    assert s.operatori_ids == []
    sportello_deactivate(actor=dirigente, sportello=s)
    s.refresh_from_db()
    assert not s.attivo
    actions = list(AuditEntry.objects.filter(object_id=str(s.public_id))
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["sportello.creato", "sportello.modificato", "sportello.disattivato"]


@pytest.mark.parametrize(("kwargs", "field", "message"), [
    ({"nome": "  "}, "nome", "Il nome dello sportello è obbligatorio."),
    ({"email": "non-una-mail"}, "email", "L'indirizzo email non è valido."),
    ({"operatori_ids": [999_999]}, "operatori_ids",
     "Uno degli operatori scelti non è abilitato in questo ente."),
    ({"operatori_ids": ["x"]}, "operatori_ids", "Uno degli operatori scelti non è valido."),
])
def test_bad_input_saves_nothing(dirigente, kwargs, field, message):
    values = {"nome": "Sportello nord", **kwargs}
    before = Sportello.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        sportello_create(actor=dirigente, **values)
    assert exc.value.field == field
    assert str(exc.value) == message
    assert Sportello.objects.count() == before


def test_an_operator_of_another_comune_cannot_work_here(dirigente, in_a):
    with pytest.raises(ValidationFailed, match="non è abilitato in questo ente"):
        _sportello(dirigente, operatori_ids=[in_a.outsider.pk])
    assert not Sportello.objects.exists()


def test_two_active_front_offices_cannot_share_a_name(dirigente):
    _sportello(dirigente, nome="PUA")
    with pytest.raises(AlreadyExists, match="Esiste già uno sportello attivo"):
        _sportello(dirigente, nome=" pua ")
    assert Sportello.objects.count() == 1


def test_a_deactivated_front_office_cannot_be_deactivated_again_nor_edited(dirigente):
    s = _sportello(dirigente)
    sportello_deactivate(actor=dirigente, sportello=s)
    with pytest.raises(ValidationFailed, match="già stato disattivato"):
        sportello_deactivate(actor=dirigente, sportello=s)
    s.refresh_from_db()
    with pytest.raises(ValidationFailed, match="non è più attivo"):
        sportello_update(actor=dirigente, sportello=s, orari="mai")
    s.refresh_from_db()
    assert s.orari == "lunedì e mercoledì 9-12"


# --- the scheda's front office ------------------------------------------------------------


def test_a_scheda_records_its_front_office(dirigente, sportello):
    s = _sportello(dirigente)
    scheda = scheda_create(actor=sportello, interlocutore_tipo="anonimo", canale="telefono",
                           sportello=s)
    assert scheda.sportello == s
    scheda.refresh_from_db()
    assert scheda.sportello_id == s.pk


def test_a_closed_front_office_takes_no_contact(dirigente, sportello):
    s = _sportello(dirigente)
    sportello_deactivate(actor=dirigente, sportello=s)
    before = counts()
    with pytest.raises(ValidationFailed, match="Scegli uno sportello attivo di questo ente."):
        scheda_create(actor=sportello, interlocutore_tipo="anonimo", canale="telefono",
                      sportello=s)
    assert counts() == before


def test_a_front_office_of_another_comune_is_refused_by_the_service(cast, sportello):
    with tenant_context(cast.comune_b.ente):
        b_dirigente = Actor(cast.outsider, "10.9.9.9")  # any actor: B's own data
        altro = sportello_create(actor=b_dirigente, nome="Sportello di Assisi")
    with tenant_context(cast.comune_a.ente):
        before = counts()
        with pytest.raises(ValidationFailed, match="Scegli uno sportello attivo di questo ente."):
            scheda_create(actor=sportello, interlocutore_tipo="anonimo", canale="telefono",
                          sportello=altro)
        assert counts() == before


def test_the_new_scheda_form_preselects_the_operators_only_front_office(cast, in_a, dirigente):
    op = in_a.by_role["operatore_sportello"]
    uno = _sportello(dirigente, operatori_ids=[op.pk])
    page = client_for(op, cast.comune_a.ente).get("/accesso/nuova/")
    assert page.status_code == 200
    assert page.context["form"].initial["sportello"] == uno.public_id
    with tenant_context(cast.comune_a.ente):
        _sportello(dirigente, nome="Sportello nord", operatori_ids=[op.pk])
        assert len(sportelli_di(op.pk)) == 2
    page = client_for(op, cast.comune_a.ente).get("/accesso/nuova/")
    assert "sportello" not in page.context["form"].initial


def test_the_form_saves_the_chosen_front_office(cast, in_a, dirigente):
    s = _sportello(dirigente)
    op = in_a.by_role["operatore_sportello"]
    response = client_for(op, cast.comune_a.ente).post(
        "/accesso/nuova/", _form(sportello=str(s.public_id), area_bisogno="anziani"))
    assert response.status_code == 302
    with tenant_context(cast.comune_a.ente):
        scheda = SchedaAccesso.objects.get()
        assert scheda.sportello_id == s.pk
        assert scheda.area_bisogno == "anziani"


@pytest.mark.parametrize("which", ["unknown", "other_comune"])
def test_the_form_refuses_an_unknown_or_foreign_front_office(cast, in_a, which):
    if which == "unknown":
        public_id = str(uuid.uuid4())
    else:
        with tenant_context(cast.comune_b.ente):
            public_id = str(sportello_create(actor=Actor(cast.outsider, None),
                                             nome="Sportello di Assisi").public_id)
    op = in_a.by_role["operatore_sportello"]
    response = client_for(op, cast.comune_a.ente).post("/accesso/nuova/",
                                                       _form(sportello=public_id))
    assert response.status_code == 200
    assert "Scegli uno sportello attivo di questo ente." in response.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert not SchedaAccesso.objects.exists()


def test_an_old_scheda_without_front_office_still_shows(cast, sportello):
    scheda = scheda_create(actor=sportello, interlocutore_tipo="anonimo", canale="persona")
    assert scheda.sportello is None
    page = client_for(cast.by_role["operatore_sportello"], cast.comune_a.ente).get(
        f"/accesso/{scheda.public_id}/")
    assert page.status_code == 200
    assert "Non indicato" in page.content.decode()


# --- pages --------------------------------------------------------------------------------

PAGES = {
    "/accesso/sportelli/": {"view_home"},
    "/accesso/sportelli/nuovo/": {"manage_servizi", "manage_servizi_zonali"},
}


@pytest.mark.parametrize("role", COMUNE_ROLES)
@pytest.mark.parametrize("path", list(PAGES))
def test_pages_by_role(cast, role, path):
    response = client_for(cast.by_role[role], cast.comune_a.ente).get(path)
    assert response.status_code == (200 if PAGES[path] & ROLE_CAPABILITIES[role] else 403)


@pytest.mark.parametrize("path", list(PAGES))
def test_pages_are_404_for_another_comune(cast, path):
    assert client_for(cast.outsider, cast.comune_a.ente).get(path).status_code == 404


def test_the_dirigente_manages_front_offices_from_the_pages(cast, in_a):
    op = in_a.by_role["operatore_sportello"]
    c = client_for(in_a.by_role["dirigente"], cast.comune_a.ente)
    response = c.post("/accesso/sportelli/nuovo/", {
        "nome": "PUA di Ponte San Giovanni", "indirizzo": "Via Manzoni 1",
        "orari": "lun-ven 9-13", "telefono": "075 555", "email": "pua@perugia.it",
        "operatori_ids": [str(op.pk)]})
    assert response.status_code == 302
    with tenant_context(cast.comune_a.ente):
        s = Sportello.objects.get()
        assert s.operatori_ids == [op.pk]
    listing = c.get("/accesso/sportelli/").content.decode()
    assert "PUA di Ponte San Giovanni" in listing
    assert op.get_full_name() in listing
    response = c.post(f"/accesso/sportelli/{s.public_id}/", {
        "nome": "PUA di Ponte San Giovanni", "orari": "lun-ven 9-12"})
    assert response.status_code == 302
    assert c.post(f"/accesso/sportelli/{s.public_id}/disattiva/").status_code == 302
    with tenant_context(cast.comune_a.ente):
        s.refresh_from_db()
        assert s.orari == "lun-ven 9-12"
        assert s.operatori_ids == []
        assert not s.attivo


def test_the_page_refuses_an_operator_who_is_not_a_member(cast, in_a):
    c = client_for(in_a.by_role["dirigente"], cast.comune_a.ente)
    response = c.post("/accesso/sportelli/nuovo/", {
        "nome": "PUA", "operatori_ids": [str(cast.outsider.pk)]})
    assert response.status_code == 200
    assert "Uno degli operatori scelti non è abilitato in questo ente." in response.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert not Sportello.objects.exists()


def test_a_front_office_of_another_comune_is_404_on_the_pages(cast, in_a):
    with tenant_context(cast.comune_b.ente):
        altro = sportello_create(actor=Actor(cast.outsider, None), nome="Sportello di Assisi")
    c = client_for(in_a.by_role["dirigente"], cast.comune_a.ente)
    assert c.get(f"/accesso/sportelli/{altro.public_id}/").status_code == 404
    assert c.post(f"/accesso/sportelli/{altro.public_id}/disattiva/").status_code == 404
    with tenant_context(cast.comune_b.ente):
        altro.refresh_from_db()
        assert altro.attivo


def test_the_district_front_offices_show_on_a_comunes_page(cast, in_a):
    with tenant_context(cast.zona.ente):
        sportello_create(actor=Actor(cast.coordinatore, None), nome="PUA di zona",
                         orari="martedì 9-13")
    page = client_for(in_a.by_role["operatore_sportello"], cast.comune_a.ente).get(
        "/accesso/sportelli/")
    assert [s["nome"] for s in page.context["distretto"]] == ["PUA di zona"]
    assert "PUA di zona" in page.content.decode()


def test_the_coordinator_manages_the_districts_front_offices(cast):
    c = client_for(cast.coordinatore, cast.zona.ente)
    response = c.post("/accesso/sportelli/nuovo/", {"nome": "PUA di zona",
                                                   "operatori_ids": [str(cast.coordinatore.pk)]})
    assert response.status_code == 302
    with tenant_context(cast.zona.ente):
        assert Sportello.objects.get().nome == "PUA di zona"


def test_someone_who_left_the_ente_drops_out_instead_of_blocking_a_change(dirigente, in_a):
    from tenants.models import Membership

    op = in_a.by_role["operatore_sportello"]
    ass = in_a.by_role["assistente_sociale"]
    s = _sportello(dirigente, operatori_ids=[op.pk, ass.pk])
    Membership.objects.filter(user=op, ente=in_a.comune_a.ente).update(is_active=False)
    sportello_update(actor=dirigente, sportello=s, orari="venerdì 9-12")
    s.refresh_from_db()
    assert s.orari == "venerdì 9-12"
    assert s.operatori_ids == [ass.pk]
    with pytest.raises(ValidationFailed, match="non è abilitato in questo ente"):
        sportello_update(actor=dirigente, sportello=s, operatori_ids=[ass.pk, op.pk])


def test_the_list_shows_and_filters_by_front_office(cast, dirigente, sportello):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    centro = _sportello(dirigente)
    con = scheda_create(actor=sportello, interlocutore_tipo="anonimo", canale="persona",
                        sportello=centro)
    senza = scheda_create(actor=sportello, interlocutore_tipo="anonimo", canale="persona")
    c = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    c.get("/accesso/")  # warm the session and menu caches
    with CaptureQueriesContext(connection) as tutte:
        html = c.get("/accesso/").content.decode()
    assert con.numero in html
    assert senza.numero in html
    assert "Sportello centro" in html
    assert "Non indicato" in html
    with tenant_context(cast.comune_a.ente):
        for _ in range(5):
            scheda_create(actor=sportello, interlocutore_tipo="anonimo", canale="telefono",
                          sportello=centro)
    with CaptureQueriesContext(connection) as filtrate:
        html = c.get("/accesso/", {"sportello": str(centro.public_id)}).content.decode()
    assert con.numero in html
    assert senza.numero not in html
    # Only the chosen front office's look-up more (with its search_path), though there are
    # more rows: the front office comes with each row.
    assert len(filtrate) <= len(tutte) + 2
    response = c.get("/accesso/", {"sportello": str(uuid.uuid4())})
    assert "Scegli uno sportello di questo ente." in response.content.decode()
