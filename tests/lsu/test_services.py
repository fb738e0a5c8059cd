"""LSU: contracts become interventions, pay is hours × rate to the cent, bad input is
refused with the data unchanged, and the monthly pay is a liquidabile."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from services.core.errors import AlreadyExists, ValidationFailed
from services.core.models import AuditEntry
from services.determine import liquidabili
from services.determine.models import Determina
from services.interventi.models import Intervento, Servizio
from services.lsu.liquidabili import CompensiLsu
from services.lsu.models import Compenso, Contratto
from services.lsu.selectors import estrazione
from services.lsu.services import (
    compenso_annulla,
    compenso_registra,
    contratto_crea,
    dichiarazione_registra,
)
from tests.cartella.conftest import new_persona

from .conftest import fine_anno, inizio_anno


def _mese_passato():
    oggi = timezone.localdate()
    return oggi.replace(day=1) if oggi.month == 1 else oggi.replace(month=oggi.month - 1, day=1)


def test_contract_is_an_approved_lsu_intervention(cast, in_a, contratto, persona, servizio):
    intervento = contratto.intervento
    assert intervento.persona == persona
    assert intervento.servizio == servizio
    assert intervento.tipo == "lsu"
    assert intervento.stato == Intervento.Stato.APPROVATO
    assert intervento.deciso_il == timezone.localdate()
    assert intervento.data_inizio == contratto.data_inizio
    assert intervento.ore_mensili == Decimal("86.67")  # 20 h × 52 / 12
    assert intervento.importo_mensile == Decimal("635.29")  # 86.67 × 7.33
    assert contratto.numero.startswith(f"{contratto.data_inizio.year}/")
    assert AuditEntry.objects.filter(action="lsu.contratto_firmato").exists()


def test_pay_is_hours_times_rate_to_the_cent(cast, in_a, contratto):
    mese = _mese_passato()
    if mese < contratto.data_inizio:
        pytest.skip("January: no past month in this year's contract")
    compenso = compenso_registra(actor=in_a, contratto=contratto, mese=mese + timedelta(days=9),
                                 ore=Decimal("33.5"))
    assert compenso.mese == mese
    assert compenso.importo == Decimal("245.56")  # 33.5 × 7.33 = 245.555 → half up
    contratto.intervento.refresh_from_db()
    assert contratto.intervento.importo_totale == Decimal("245.56")
    with pytest.raises(AlreadyExists):
        compenso_registra(actor=in_a, contratto=contratto, mese=mese, ore=Decimal("1"))
    compenso_annulla(actor=in_a, compenso=compenso)
    contratto.intervento.refresh_from_db()
    assert contratto.intervento.importo_totale == Decimal("0.00")
    again = compenso_registra(actor=in_a, contratto=contratto, mese=mese, ore=Decimal("10"))
    assert again.importo == Decimal("73.30")


@pytest.mark.parametrize(("ore", "message"), [
    (Decimal("-3"), "più di zero"),
    (Decimal("0"), "più di zero"),
    (None, "più di zero"),
    (Decimal("200"), "superano"),
])
def test_bad_hours_refused(cast, in_a, contratto, ore, message):
    with pytest.raises(ValidationFailed, match=message):
        compenso_registra(actor=in_a, contratto=contratto, mese=inizio_anno(), ore=ore)
    assert not Compenso.objects.exists()


def test_month_outside_contract_or_future_refused(cast, in_a, contratto):
    with pytest.raises(ValidationFailed, match="fuori dal periodo"):
        compenso_registra(actor=in_a, contratto=contratto,
                          mese=inizio_anno() - timedelta(days=1), ore=Decimal("5"))
    with pytest.raises(ValidationFailed, match="non è ancora cominciato"):
        compenso_registra(actor=in_a, contratto=contratto,
                          mese=timezone.localdate() + timedelta(days=40), ore=Decimal("5"))
    assert not Compenso.objects.exists()


def _nuovo(in_a, persona, progetto, servizio, **overrides):
    data = {"actor": in_a, "persona": persona, "progetto": progetto, "servizio": servizio,
            "data_inizio": inizio_anno(), "data_fine": fine_anno(),
            "ore_settimanali": Decimal("20"), "compenso_orario": Decimal("7")}
    data.update(overrides)
    return contratto_crea(**data)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"data_fine": None}, "data_fine"),
    ({"ore_settimanali": Decimal("-1")}, "ore_settimanali"),
    ({"ore_settimanali": Decimal("50")}, "ore_settimanali"),
    ({"compenso_orario": Decimal("0")}, "compenso_orario"),
])
def test_bad_contract_refused(cast, in_a, persona, progetto, servizio, overrides, field):
    with pytest.raises(ValidationFailed) as exc:
        _nuovo(in_a, persona, progetto, servizio, **overrides)
    assert exc.value.field == field
    assert not Contratto.objects.exists()
    assert not Intervento.objects.exists()


def test_end_before_start_and_outside_project(cast, in_a, persona, progetto, servizio):
    with pytest.raises(ValidationFailed, match="precede"):
        _nuovo(in_a, persona, progetto, servizio, data_inizio=fine_anno(),
               data_fine=inizio_anno())
    with pytest.raises(ValidationFailed, match="periodo del progetto"):
        _nuovo(in_a, persona, progetto, servizio, data_fine=fine_anno() + timedelta(days=1))
    assert not Contratto.objects.exists()


def test_service_must_be_lsu(cast, in_a, persona, progetto):
    altro = Servizio.objects.create(nome="Contributo affitto", tipo="economica",
                                    area_target="poverta", carattere="occasionale")
    with pytest.raises(ValidationFailed, match="lavori socialmente utili"):
        _nuovo(in_a, persona, progetto, altro)
    assert not Intervento.objects.exists()


def test_overlapping_contracts_for_one_person_refused(cast, in_a, contratto, persona,
                                                      progetto, servizio):
    with pytest.raises(ValidationFailed, match="si sovrappongono"):
        _nuovo(in_a, persona, progetto, servizio, data_inizio=fine_anno() - timedelta(days=10),
               data_fine=fine_anno())
    assert Contratto.objects.count() == 1
    assert Intervento.objects.count() == 1
    # another person may have the same period
    _nuovo(in_a, new_persona(in_a), progetto, servizio)
    assert Contratto.objects.count() == 2


def test_declaration_rules(cast, in_a, persona):
    with pytest.raises(ValidationFailed, match="futuro"):
        dichiarazione_registra(actor=in_a, persona=persona,
                               data=timezone.localdate() + timedelta(days=1),
                               disponibilita="mattina")
    with pytest.raises(ValidationFailed, match="più di zero"):
        dichiarazione_registra(actor=in_a, persona=persona, data=timezone.localdate(),
                               disponibilita="mattina", ore_settimanali=Decimal("-2"))


def test_extraction_filters(cast, in_a, dichiarazione, persona, progetto, servizio):
    other = dichiarazione_registra(actor=in_a, persona=new_persona(in_a),
                                   data=timezone.localdate(), disponibilita="pomeriggio",
                                   competenze="pulizie")
    assert set(estrazione()) == {dichiarazione, other}
    assert list(estrazione(competenze="giardinaggio")) == [dichiarazione]
    assert list(estrazione(disponibilita="pomeriggio")) == [other]
    assert list(estrazione(patente=True)) == [dichiarazione]
    assert list(estrazione(ore_minime=Decimal("10"))) == [dichiarazione]
    _nuovo(in_a, persona, progetto, servizio)
    assert list(estrazione(libere_dal=inizio_anno(), libere_al=fine_anno())) == [other]
    assert set(estrazione(libere_dal=fine_anno() + timedelta(days=1))) == {dichiarazione, other}


# --- the liquidabile ------------------------------------------------------------------------


def test_liquidabile_registered():
    assert isinstance(liquidabili.get("lsu.compenso"), CompensiLsu)


def _determina(numero="12") -> Determina:
    return Determina.objects.create(numero=numero, data_adozione=inizio_anno(),
                                    esercizio=inizio_anno().year, oggetto="LSU",
                                    capitolo="1234", importo_impegnato=Decimal("10000"))


def test_liquidabile_methods(cast, in_a, contratto, persona, progetto, servizio):
    kind = CompensiLsu()
    determina, altra = _determina(), _determina("13")
    # a contract on another determina is not offered on this one
    vincolato = _nuovo(in_a, new_persona(in_a), progetto, servizio, determina=altra)
    c1 = compenso_registra(actor=in_a, contratto=contratto, mese=inizio_anno(), ore=Decimal("10"))
    c2 = compenso_registra(actor=in_a, contratto=vincolato, mese=inizio_anno(), ore=Decimal("3"))
    voci = kind.da_liquidare(determina=determina)
    assert [(v.oggetto_tipo, v.oggetto_id, v.importo, v.persona_id) for v in voci] == [
        ("lsu.compenso", c1.pk, Decimal("73.30"), persona.pk)]
    assert {v.oggetto_id for v in kind.da_liquidare(determina=altra)} == {c1.pk, c2.pk}
    assert [v.oggetto_id for v in kind.blocca(ids=[c1.pk, c2.pk])] == [c1.pk, c2.pk]
    kind.segna_liquidati(ids=[c1.pk], data=timezone.localdate())
    c1.refresh_from_db()
    assert c1.stato == Compenso.Stato.LIQUIDATO
    assert c1.liquidato_il == timezone.localdate()
    assert [v.oggetto_id for v in kind.blocca(ids=[c1.pk, c2.pk])] == [c2.pk]
    assert kind.da_liquidare(determina=determina) == []
    with pytest.raises(ValidationFailed, match="già liquidato"):
        compenso_annulla(actor=in_a, compenso=c1)
    # a cancelled liquidazione makes the month payable again
    kind.rilascia(ids=[c1.pk])
    c1.refresh_from_db()
    assert (c1.stato, c1.liquidato_il) == (Compenso.Stato.DA_LIQUIDARE, None)
    assert [v.oggetto_id for v in kind.da_liquidare(determina=determina)] == [c1.pk]
    kind.segna_liquidati(ids=[c1.pk], data=timezone.localdate())
    # cancelled months are not payable either
    compenso_annulla(actor=in_a, compenso=c2)
    assert kind.blocca(ids=[c2.pk]) == []


def test_early_end(cast, in_a, contratto):
    compenso_registra(actor=in_a, contratto=contratto, mese=inizio_anno(), ore=Decimal("10"))
    from services.lsu.services import contratto_cessa

    with pytest.raises(ValidationFailed, match="motivo"):
        contratto_cessa(actor=in_a, contratto=contratto, data=inizio_anno(), motivo=" ")
    with pytest.raises(ValidationFailed, match="precede"):
        contratto_cessa(actor=in_a, contratto=contratto,
                        data=inizio_anno() - timedelta(days=1), motivo="Dimissioni")
    contratto_cessa(actor=in_a, contratto=contratto, data=inizio_anno() + timedelta(days=14),
                    motivo="Assunto da un'impresa")
    contratto.refresh_from_db()
    contratto.intervento.refresh_from_db()
    assert contratto.stato == Contratto.Stato.CONCLUSO
    assert contratto.data_fine == inizio_anno() + timedelta(days=14)
    assert contratto.intervento.stato == Intervento.Stato.CONCLUSO
    assert contratto.intervento.data_fine == contratto.data_fine
    with pytest.raises(ValidationFailed, match="fuori dal periodo"):
        compenso_registra(actor=in_a, contratto=contratto,
                          mese=inizio_anno() + timedelta(days=40), ore=Decimal("5"))


def test_early_end_refused_with_later_hours(cast, in_a, contratto):
    mese = _mese_passato()
    if mese <= contratto.data_inizio:
        pytest.skip("January")
    compenso_registra(actor=in_a, contratto=contratto, mese=mese, ore=Decimal("10"))
    from services.lsu.services import contratto_cessa

    with pytest.raises(ValidationFailed, match="ore registrate dopo"):
        contratto_cessa(actor=in_a, contratto=contratto, data=inizio_anno(), motivo="x")
    contratto.refresh_from_db()
    assert contratto.stato == Contratto.Stato.ATTIVO
