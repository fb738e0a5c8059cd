"""The professional diary: private entries are read only by their author and by the case's
responsible; a closed case takes no new entries."""

from __future__ import annotations

from datetime import date

import pytest

from services.anagrafica.services import Actor
from services.cartella.diario import voce_diario_crea
from services.cartella.models import VoceDiario
from services.cartella.selectors import voci_diario_visibili
from services.cartella.services import cartella_chiudi, operatore_abilita
from services.core.errors import ValidationFailed
from services.core.models import AuditEntry
from tests.conftest import client_for


@pytest.fixture
def con_collega(cast, in_a, caso):
    """A second social worker (the dirigente, who manages cases) enabled on the case, and an
    educator enabled too."""
    for role, ruolo in (("dirigente", "Supervisione"), ("educatore", "Educatore")):
        operatore_abilita(actor=in_a, cartella=caso, user=cast.by_role[role], ruolo=ruolo,
                          dal=date(2025, 1, 20))
    return caso


def test_private_entries_are_for_author_and_responsible_only(cast, in_a, con_collega):
    caso = con_collega
    collega = Actor(cast.by_role["dirigente"])
    del_responsabile = voce_diario_crea(actor=in_a, cartella=caso, tipo="colloquio",
                                        data=date(2025, 2, 1), testo="Segreto del responsabile",
                                        riservata=True)
    del_collega = voce_diario_crea(actor=collega, cartella=caso, tipo="nota",
                                   data=date(2025, 2, 2), testo="Appunto riservato del collega",
                                   riservata=True)
    pubblica = voce_diario_crea(actor=in_a, cartella=caso, tipo="telefonata",
                                data=date(2025, 2, 3), testo="Telefonata alla scuola")

    def visible(role):
        return set(voci_diario_visibili(cast.by_role[role], caso))

    assert visible("assistente_sociale") == {del_responsabile, del_collega, pubblica}
    assert visible("dirigente") == {del_collega, pubblica}
    assert visible("educatore") == {pubblica}

    educatore = client_for(cast.by_role["educatore"], cast.comune_a.ente)
    page = educatore.get(f"/cartelle/{caso.public_id}/").content.decode()
    history = educatore.get(f"/cartelle/{caso.public_id}/storia/").content.decode()
    for text in (page, history):
        assert "Telefonata alla scuola" in text
        assert "Segreto del responsabile" not in text
        assert "Appunto riservato del collega" not in text
    dirigente = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    page = dirigente.get(f"/cartelle/{caso.public_id}/").content.decode()
    assert "Appunto riservato del collega" in page
    assert "Segreto del responsabile" not in page


def test_the_text_stays_out_of_the_audit_trail(cast, in_a, caso):
    voce = voce_diario_crea(actor=in_a, cartella=caso, tipo="colloquio", data=date(2025, 2, 1),
                            testo="Racconta di maltrattamenti", riservata=True)
    entry = AuditEntry.objects.get(action="cartella.diario_scritto")
    assert entry.object_id == str(caso.public_id)
    assert entry.payload == {"voce": str(voce.public_id), "tipo": "colloquio",
                             "riservata": True}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"testo": "   "}, "testo"), ({"tipo": "pettegolezzo"}, "tipo"),
     ({"data": date(2999, 1, 1)}, "data"), ({"data": None}, "data")],
)
def test_bad_entries_are_refused(cast, in_a, caso, kwargs, field):
    values = {"tipo": "nota", "data": date(2025, 2, 1), "testo": "Testo", **kwargs}
    with pytest.raises(ValidationFailed) as exc:
        voce_diario_crea(actor=in_a, cartella=caso, **values)
    assert exc.value.field == field
    assert not VoceDiario.objects.exists()


def test_a_closed_case_takes_no_new_entries(cast, in_a, caso):
    cartella_chiudi(actor=in_a, cartella=caso, data=date(2025, 6, 1), motivo="Concluso",
                    approvata=True)
    with pytest.raises(ValidationFailed, match="La cartella è chiusa: riaprila"):
        voce_diario_crea(actor=in_a, cartella=caso, tipo="nota", data=date(2025, 6, 2),
                         testo="Dopo la chiusura")
    assert not VoceDiario.objects.exists()
    dirigente = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    page = dirigente.get(f"/cartelle/{caso.public_id}/").content.decode()
    assert "La cartella è chiusa" in page
    response = dirigente.post(f"/cartelle/{caso.public_id}/diario/",
                              {"tipo": "nota", "data": "2025-06-02", "testo": "x"})
    assert response.status_code == 404  # nobody is enabled on a closed case
