"""An application already assigned moves to another social worker, with the reason: the new
one is notified as on assignment, a closed application or an operator who cannot take
applications is refused and nothing changes."""

from __future__ import annotations

from datetime import date

import pytest
from django_tenants.utils import tenant_context

from services.core.errors import NotAllowed, ValidationFailed
from services.core.models import AuditEntry
from services.domande.models import Domanda
from services.domande.services import domanda_esito, domanda_riassegna, domande_assegna
from services.pai.models import Notifica
from tenants.models import Membership
from tests.conftest import client_for

CAMPI = ("stato", "assegnata_a_id", "assegnata_a_label", "assegnata_il")


@pytest.fixture
def assegnata(cast, in_a, domanda):
    domande_assegna(actor=in_a, domande=[domanda], operatore_id=cast.by_role["assistente_sociale"].pk)
    domanda.refresh_from_db()
    Notifica.objects.all().delete()
    return domanda


def _stato(domanda: Domanda) -> tuple:
    domanda.refresh_from_db()
    return tuple(getattr(domanda, f) for f in CAMPI)


def test_reassignment_moves_the_application_and_notifies(cast, in_a, assegnata, altra_as):
    prima = cast.by_role["assistente_sociale"]
    domanda_riassegna(actor=in_a, domanda=assegnata, assegnatario=altra_as,
                      motivo="Ferie lunghe della collega")
    assegnata.refresh_from_db()
    assert (assegnata.assegnata_a_id, assegnata.assegnata_a_label, assegnata.stato) == (
        altra_as.pk, "Anna Bianchi", "assegnata")
    [n] = Notifica.objects.filter(destinatario_id=altra_as.pk)
    assert "Ti è stata riassegnata la domanda n. 1001 del 10/03/2025" in n.testo
    assert "Ferie lunghe della collega" in n.testo
    assert n.link == f"/domande/{assegnata.public_id}/"
    # The previous worker learns it left their queue.
    [vecchia] = Notifica.objects.filter(destinatario_id=prima.pk)
    assert "riassegnata a Anna Bianchi" in vecchia.testo
    entry = AuditEntry.objects.get(action="domanda.riassegnata")
    assert entry.payload == {"a": "Anna Bianchi", "prima": assegnata_label(prima),
                             "motivo": "Ferie lunghe della collega"}
    assert entry.object_id == str(assegnata.public_id)


def assegnata_label(user) -> str:
    return user.get_full_name() or user.email


def test_an_id_works_as_well_and_the_state_in_progress_stays(cast, in_a, assegnata, altra_as):
    Domanda.objects.filter(pk=assegnata.pk).update(stato=Domanda.Stato.ISTRUTTORIA)
    assegnata.refresh_from_db()
    domanda_riassegna(actor=in_a, domanda=assegnata, assegnatario=altra_as.pk, motivo="Carico")
    assert _stato(assegnata)[:2] == ("istruttoria", altra_as.pk)


@pytest.mark.parametrize("esito", ["accolta", "respinta", "archiviata"])
def test_a_closed_application_is_refused(cast, in_a, assegnata, altra_as, esito):
    domanda_esito(actor=in_a, domanda=assegnata, esito=esito, motivazione="ok",
                  data=date(2025, 4, 1))
    prima = _stato(assegnata)
    with pytest.raises(NotAllowed, match="La domanda è chiusa .*: non si riassegna"):
        domanda_riassegna(actor=in_a, domanda=assegnata, assegnatario=altra_as, motivo="Carico")
    assert _stato(assegnata) == prima
    assert not Notifica.objects.exists()
    assert not AuditEntry.objects.filter(action="domanda.riassegnata").exists()


@pytest.mark.parametrize("who", ["amministrativo", "educatore", "dirigente", "outsider",
                                 "inactive"])
def test_an_assignee_without_the_capability_is_refused(cast, in_a, assegnata, altra_as, who):
    if who == "inactive":
        Membership.objects.filter(user=altra_as).update(is_active=False)
        user = altra_as
    else:
        user = cast.outsider if who == "outsider" else cast.by_role[who]
    prima = _stato(assegnata)
    with pytest.raises(ValidationFailed, match="non è un assistente sociale abilitato") as exc:
        domanda_riassegna(actor=in_a, domanda=assegnata, assegnatario=user, motivo="Carico")
    assert exc.value.field == "operatore"
    assert _stato(assegnata) == prima
    assert not Notifica.objects.exists()
    assert not AuditEntry.objects.filter(action="domanda.riassegnata").exists()


def test_a_reason_is_needed_and_the_same_worker_is_refused(cast, in_a, assegnata):
    prima = _stato(assegnata)
    with pytest.raises(ValidationFailed, match="motivo"):
        domanda_riassegna(actor=in_a, domanda=assegnata,
                          assegnatario=cast.by_role["assistente_sociale"], motivo=" ")
    with pytest.raises(ValidationFailed, match="già assegnata"):
        domanda_riassegna(actor=in_a, domanda=assegnata,
                          assegnatario=cast.by_role["assistente_sociale"], motivo="Carico")
    assert _stato(assegnata) == prima
    assert not Notifica.objects.exists()


# --- the form on the application's page ----------------------------------------------------


def test_the_form_on_the_page(cast, assegnata, altra_as):
    url = f"/domande/{assegnata.public_id}/"
    client = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    page = client.get(url).content.decode()
    assert 'id="riassegna-form"' in page
    assert f'<option value="{altra_as.pk}">Anna Bianchi (0)</option>' in page
    response = client.post(url + "riassegna/", {"operatore": altra_as.pk, "motivo": ""})
    assert response.status_code == 400
    assert "Indica il motivo della riassegnazione." in response.content.decode()
    response = client.post(url + "riassegna/", {"operatore": altra_as.pk, "motivo": "Carico"},
                           follow=True)
    assert "Domanda riassegnata a Anna Bianchi" in response.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert _stato(assegnata)[1] == altra_as.pk
        assert Notifica.objects.filter(destinatario_id=altra_as.pk).count() == 1
    coda = client_for(altra_as, cast.comune_a.ente).get("/domande/le-mie/").content.decode()
    assert "n. 1001" in coda


def test_the_page_refuses_a_closed_application_with_a_message(cast, in_a, assegnata, altra_as):
    domanda_esito(actor=in_a, domanda=assegnata, esito="accolta", data=date(2025, 4, 1))
    prima = _stato(assegnata)
    url = f"/domande/{assegnata.public_id}/"
    client = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    assert 'id="riassegna-form"' not in client.get(url).content.decode()
    response = client.post(url + "riassegna/", {"operatore": altra_as.pk, "motivo": "Carico"},
                           follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "La domanda è chiusa (accolta): non si riassegna." in response.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert _stato(assegnata) == prima


@pytest.mark.parametrize("role", ["operatore_sportello", "educatore", "psicologo"])
def test_roles_without_manage_domande_get_403(cast, assegnata, altra_as, role):
    client = client_for(cast.by_role[role], cast.comune_a.ente)
    response = client.post(f"/domande/{assegnata.public_id}/riassegna/",
                           {"operatore": altra_as.pk, "motivo": "Carico"})
    assert response.status_code == 403
    with tenant_context(cast.comune_a.ente):
        assert _stato(assegnata)[1] == cast.by_role["assistente_sociale"].pk
    outsider = client_for(cast.outsider, cast.comune_a.ente)
    assert outsider.post(f"/domande/{assegnata.public_id}/riassegna/",
                         {"operatore": altra_as.pk, "motivo": "x"}).status_code == 404
