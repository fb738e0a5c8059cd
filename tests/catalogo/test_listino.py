"""The zone's common list and its adoption by a comune."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from services.core.errors import AlreadyExists, ValidationFailed
from services.core.models import AuditEntry
from services.interventi.models import Servizio
from zone.catalogo.models import Adozione, AreaTarget, CodicePrestazione, VoceListino
from zone.catalogo.services import listino_adotta, listino_voce_create, listino_voce_update

from .conftest import actor


def test_a_comune_adopts_an_entry_as_its_own_service(cast, voce_listino):
    dirigente = cast.by_role["dirigente"]
    adozione = listino_adotta(actor=actor(dirigente), voce=voce_listino, comune=cast.comune_a)
    with tenant_context(cast.comune_a.ente):
        servizio = Servizio.objects.get(public_id=adozione.servizio_id)
        assert servizio.adottato_da == voce_listino.public_id
        assert servizio.tariffa == Decimal("19.50")
        assert servizio.unita_tariffa == "ora"
        assert servizio.codice_prestazione.codice == "A1.09"
        assert AuditEntry.objects.filter(action="servizio.adottato_dal_listino").count() == 1
    with tenant_context(cast.comune_b.ente):
        assert not Servizio.objects.filter(adottato_da=voce_listino.public_id).exists()
    assert list(voce_listino.adozioni.values_list("comune__name", flat=True)) == ["Perugia"]
    assert adozione.adottato_da_label == dirigente.email


def test_adopting_twice_is_refused_and_changes_nothing(cast, voce_listino):
    listino_adotta(actor=actor(cast.by_role["dirigente"]), voce=voce_listino, comune=cast.comune_a)
    with pytest.raises(AlreadyExists):
        listino_adotta(actor=actor(cast.by_role["dirigente"]), voce=voce_listino,
                       comune=cast.comune_a, nome="Altro nome")
    with tenant_context(cast.comune_a.ente):
        assert Servizio.objects.filter(adottato_da=voce_listino.public_id).count() == 1


def test_a_name_clash_in_the_comune_rolls_back_both_sides(cast, voce_listino):
    with tenant_context(cast.comune_b.ente):
        Servizio.objects.create(nome=voce_listino.nome, tipo="domiciliare",
                                area_target=AreaTarget.ANZIANI, carattere="periodico")
    with pytest.raises(AlreadyExists, match="indica un altro nome"):
        listino_adotta(actor=actor(cast.outsider), voce=voce_listino, comune=cast.comune_b)
    assert not Adozione.objects.filter(voce=voce_listino).exists()
    adozione = listino_adotta(actor=actor(cast.outsider), voce=voce_listino, comune=cast.comune_b,
                              nome="Domiciliare anziani (ambito)")
    with tenant_context(cast.comune_b.ente):
        assert Servizio.objects.get(public_id=adozione.servizio_id).nome == "Domiciliare anziani (ambito)"


def test_listino_rules(cast, voce_listino):
    a = actor(cast.coordinatore)
    with pytest.raises(AlreadyExists):
        listino_voce_create(actor=a, zona=cast.zona, nome=voce_listino.nome, tipo="altro",
                            area_target="anziani", carattere="periodico")
    with pytest.raises(ValidationFailed, match="unità"):
        listino_voce_create(actor=a, zona=cast.zona, nome="Pasti", tipo="altro",
                            area_target="anziani", carattere="periodico", tariffa=Decimal("5"))
    listino_voce_update(actor=a, voce=voce_listino, tariffa=Decimal("21.00"))
    voce_listino.refresh_from_db()
    assert voce_listino.tariffa == Decimal("21.00")
    assert AuditEntry.objects.filter(action="listino.voce_modificata",
                                     object_id=str(voce_listino.public_id)).exists()


def test_a_retired_code_cannot_be_chosen_for_a_new_entry(cast):
    import datetime

    from zone.catalogo.services import edizione_carica
    edizione_carica(tipo="inps", codice="inps-2027", data=b"code\nA1.09\n",
                    in_vigore_dal=datetime.date(2027, 1, 1))
    with pytest.raises(ValidationFailed, match="ritirato"):
        listino_voce_create(actor=actor(cast.coordinatore), zona=cast.zona, nome="X", tipo="altro",
                            codice_prestazione=CodicePrestazione.objects.get(codice="A1.01"),
                            area_target="anziani", carattere="periodico")
    assert not VoceListino.objects.filter(nome="X").exists()
