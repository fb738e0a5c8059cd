"""Assignment of new applications to the social workers: the suggestion from the open
caseload, the assignment of several at once with a notification, the worker's queue."""

from __future__ import annotations

from datetime import date

import pytest
from django_tenants.utils import tenant_context

from services.cartella.services import cartella_apri
from services.domande.models import Domanda
from services.domande.services import domanda_create, domande_assegna
from services.pai.models import Notifica
from tests.cartella.conftest import new_persona
from tests.conftest import client_for


@pytest.fixture
def tre(in_a, servizio, persona):
    return [domanda_create(actor=in_a, persona=persona, servizio=servizio,
                           numero_protocollo=f"A{i}", data_protocollo=date(2025, 1, 10 + i))
            for i in range(3)]


def test_suggestion_goes_to_the_smallest_caseload_and_spreads_a_batch(cast, in_a, tre, altra_as):
    assistente = cast.by_role["assistente_sociale"]
    with tenant_context(cast.comune_a.ente):
        # The cast's social worker has two open case files; Anna none.
        for _ in range(2):
            cartella_apri(actor=type(in_a)(assistente, None), persona=new_persona(in_a),
                          area_target="poverta", data=date(2025, 1, 5), motivo="Colloquio")
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    body = client.get("/domande/assegna/").content.decode()
    # Anna (0) takes the first two, then both have 2 and the first by name takes the third.
    suggeriti = [chunk.split('"')[0] for chunk in body.split('class="suggerito" data-user="')[1:]]
    assert suggeriti[:2] == [str(altra_as.pk), str(altra_as.pk)]
    assert len(suggeriti) == 3
    assert "Anna Bianchi (0)" in body


def test_assigning_several_notifies_the_worker_and_fills_the_queue(cast, tre):
    assistente = cast.by_role["assistente_sociale"]
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    response = client.post("/domande/assegna/", {
        "domande": [str(tre[2].public_id), str(tre[0].public_id)], "operatore": assistente.pk})
    assert response.status_code == 302
    with tenant_context(cast.comune_a.ente):
        fatte = Domanda.objects.filter(assegnata_a_id=assistente.pk).order_by("numero_protocollo")
        assert [d.numero_protocollo for d in fatte] == ["A0", "A2"]
        assert {d.stato for d in fatte} == {"assegnata"}
        notifiche = Notifica.objects.filter(destinatario_id=assistente.pk)
        assert notifiche.count() == 2
        assert all(n.link.startswith("/domande/") for n in notifiche)
    coda = client_for(assistente, cast.comune_a.ente).get("/domande/le-mie/").content.decode()
    assert coda.index("n. A0") < coda.index("n. A2")  # oldest first
    assert "n. A1" not in coda


def test_closed_applications_leave_the_queue(cast, in_a, tre):
    assistente = cast.by_role["assistente_sociale"]
    with tenant_context(cast.comune_a.ente):
        domande_assegna(actor=in_a, domande=tre, operatore_id=assistente.pk)
        from services.domande.services import domanda_esito
        domanda_esito(actor=in_a, domanda=tre[0], esito="accolta", data=date(2025, 2, 1))
    coda = client_for(assistente, cast.comune_a.ente).get("/domande/le-mie/").content.decode()
    assert "n. A0" not in coda
    assert "n. A1" in coda


@pytest.mark.parametrize(("who", "message"), [
    ("amministrativo", "non è un assistente sociale abilitato"),  # no propose_intervento
    ("outsider", "non è un assistente sociale abilitato"),        # another comune
])
def test_assigning_to_someone_not_allowed_changes_nothing(cast, tre, who, message):
    user = cast.outsider if who == "outsider" else cast.by_role[who]
    client = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    response = client.post("/domande/assegna/", {"domande": [str(tre[0].public_id)],
                                                 "operatore": user.pk})
    assert response.status_code == 400
    assert message in response.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert not Domanda.objects.filter(assegnata_a_id__isnull=False).exists()
        assert not Notifica.objects.exists()


def test_assigning_nothing_is_refused(cast, tre):
    client = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    response = client.post("/domande/assegna/", {"operatore": cast.by_role["assistente_sociale"].pk})
    assert response.status_code == 400
    assert "Seleziona almeno una domanda" in response.content.decode()


def test_assign_page_by_role(cast, tre):
    for role, expected in [("amministrativo", 200), ("dirigente", 200),
                           ("assistente_sociale", 200), ("operatore_sportello", 403),
                           ("educatore", 403)]:
        client = client_for(cast.by_role[role], cast.comune_a.ente)
        assert client.get("/domande/assegna/").status_code == expected, role
        assert client.post("/domande/assegna/", {}).status_code in {expected, 400}, role
    assert client_for(cast.outsider, cast.comune_a.ente).post("/domande/assegna/", {
        "domande": [str(tre[0].public_id)], "operatore": cast.outsider.pk}).status_code == 404


def test_assigning_as_suggested_spreads_the_selection(cast, tre, altra_as):
    assistente = cast.by_role["assistente_sociale"]
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    response = client.post("/domande/assegna/", {
        "domande": [str(d.public_id) for d in tre], "come_suggerito": "1"})
    assert response.status_code == 302
    with tenant_context(cast.comune_a.ente):
        per_operatore = {d.numero_protocollo: d.assegnata_a_id for d in Domanda.objects.all()}
        # Both start at 0: A0 to the first by name, then the other, then the first again.
        primo, secondo = sorted([assistente, altra_as], key=lambda u: (u.last_name, u.first_name,
                                                                       u.pk))
        assert per_operatore == {"A0": primo.pk, "A1": secondo.pk, "A2": primo.pk}
        assert Notifica.objects.filter(destinatario_id=primo.pk).count() == 2
