"""The person registry: codice fiscale rules, duplicates, history, merge, search."""

from __future__ import annotations

from datetime import date

import pytest
from django_tenants.utils import schema_context

from services.anagrafica.models import Indirizzo, MembroNucleo, Persona
from services.anagrafica.selectors import current_household, persona_search
from services.anagrafica.services import (
    Actor,
    DuplicateCodiceFiscale,
    PossibleDuplicate,
    condizione_registra,
    indirizzo_cambia,
    nucleo_aggiungi,
    nucleo_crea,
    persona_create,
    persona_decesso,
    persona_unisci,
    persona_update,
)
from services.core.errors import ValidationFailed
from services.core.models import AuditEntry

# Real codici fiscali computed by python-codicefiscale for these people.
ANNA = {"cognome": "Rossi", "nome": "Anna", "sesso": "F", "data_nascita": date(1980, 1, 1),
        "codice_fiscale": "RSSNNA80A41G478G"}


@pytest.fixture
def in_a(cast):
    with schema_context(cast.comune_a.ente.schema_name):
        yield Actor(cast.by_role["assistente_sociale"], "10.0.0.1")


def test_create_with_codice_fiscale(in_a):
    persona = persona_create(actor=in_a, **ANNA,
                             residenza={"via": "Via Roma", "civico": "1", "comune": "Perugia",
                                        "dal": date(2020, 1, 1)})
    assert persona.luogo_nascita == "Perugia"
    assert persona.luogo_nascita_belfiore == "G478"
    assert persona.indirizzi.get().al is None
    entry = AuditEntry.objects.get(action="persona.creata", object_id=str(persona.public_id))
    assert entry.ip_address == "10.0.0.1"


def test_omocodia_variant_is_accepted(in_a):
    persona = persona_create(actor=in_a, **{**ANNA, "codice_fiscale": "RSSNNA80A41G4T8S"})
    assert persona.codice_fiscale == "RSSNNA80A41G4T8S"
    assert persona.luogo_nascita_belfiore == "G478"
    assert persona.luogo_nascita == "Perugia"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"codice_fiscale": "RSSNNA80A41G478X"}, "codice_fiscale", "non è valido"),
        ({"codice_fiscale": "RSSNNA80A41G478G", "data_nascita": date(1981, 1, 1)},
         "codice_fiscale", "data di nascita"),
        ({"sesso": "M"}, "codice_fiscale", "sesso"),
        ({"cognome": "Bianchi"}, "codice_fiscale", "cognome"),
        ({"cognome": " "}, "cognome", "obbligatorio"),
        ({"data_nascita": date(2999, 1, 1), "codice_fiscale": ""}, "data_nascita", "futuro"),
        ({"sesso": "X", "codice_fiscale": ""}, "sesso", "sesso"),
        ({"email": "non-una-mail"}, "email", "non è valido"),
        ({"cittadinanza": "IT"}, "cittadinanza", "ISO"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(in_a, changes, field, message):
    before = (Persona.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationFailed, match=message) as excinfo:
        persona_create(actor=in_a, **{**ANNA, **changes})
    assert excinfo.value.field == field
    assert (Persona.objects.count(), AuditEntry.objects.count()) == before


def test_same_codice_fiscale_is_a_duplicate(in_a):
    first = persona_create(actor=in_a, **ANNA)
    with pytest.raises(DuplicateCodiceFiscale) as excinfo:
        persona_create(actor=in_a, **{**ANNA, "telefono": "0755555"})
    assert excinfo.value.existing == first
    assert Persona.objects.count() == 1


def test_same_name_and_birth_date_asks_for_confirmation(in_a):
    persona_create(actor=in_a, **{**ANNA, "codice_fiscale": ""})
    with pytest.raises(PossibleDuplicate, match="è la stessa persona"):
        persona_create(actor=in_a, **{**ANNA, "codice_fiscale": "", "nome": "ANNA "})
    persona_create(actor=in_a, **{**ANNA, "codice_fiscale": ""}, conferma_omonimia=True)
    assert Persona.objects.count() == 2


def test_address_history_is_kept(in_a):
    persona = persona_create(actor=in_a, **ANNA, residenza={
        "via": "Via Roma", "civico": "1", "comune": "Perugia", "dal": date(2020, 1, 1)})
    indirizzo_cambia(actor=in_a, persona=persona, tipo="residenza", via="Corso Vannucci",
                     civico="10", comune="Perugia", cap="06121", dal=date(2024, 5, 1))
    history = list(Indirizzo.objects.filter(persona=persona).order_by("dal"))
    assert [(i.via, i.al) for i in history] == [("Via Roma", date(2024, 4, 30)),
                                                ("Corso Vannucci", None)]
    with pytest.raises(ValidationFailed, match="deve decorrere dopo"):
        indirizzo_cambia(actor=in_a, persona=persona, tipo="residenza", via="Via X",
                         comune="Perugia", dal=date(2024, 1, 1))
    with pytest.raises(ValidationFailed, match="CAP"):
        indirizzo_cambia(actor=in_a, persona=persona, tipo="residenza", via="Via X",
                         comune="Perugia", cap="6121", dal=date(2025, 1, 1))
    assert Indirizzo.objects.filter(persona=persona).count() == 2


def test_update_refuses_a_codice_fiscale_of_someone_else(in_a):
    persona_create(actor=in_a, **ANNA)
    other = persona_create(actor=in_a, cognome="Rossi", nome="Anna", sesso="F",
                           data_nascita=date(1980, 1, 1), conferma_omonimia=True)
    with pytest.raises(DuplicateCodiceFiscale):
        persona_update(actor=in_a, persona=other, codice_fiscale=ANNA["codice_fiscale"])
    other.refresh_from_db()
    assert other.codice_fiscale == ""


def test_household_split_keeps_history(in_a):
    padre = persona_create(actor=in_a, cognome="Bianchi", nome="Marco", sesso="M",
                           data_nascita=date(1960, 5, 5))
    figlia = persona_create(actor=in_a, cognome="Bianchi", nome="Giulia", sesso="F",
                            data_nascita=date(1990, 6, 6))
    famiglia = nucleo_crea(actor=in_a, intestatario=padre, dal=date(1990, 6, 6))
    nucleo_aggiungi(actor=in_a, nucleo=famiglia, persona=figlia, relazione="figlio",
                    dal=date(1990, 6, 6))
    assert len(current_household(padre)) == 2
    nuova = nucleo_crea(actor=in_a, intestatario=figlia, dal=date(2020, 1, 1))
    assert [m.persona for m in current_household(padre)] == [padre]
    assert [m.persona for m in current_household(figlia)] == [figlia]
    old = MembroNucleo.objects.get(nucleo=famiglia, persona=figlia)
    assert old.al == date(2019, 12, 31)
    assert nuova.membri.count() == 1


def test_death_closes_household_membership(in_a):
    persona = persona_create(actor=in_a, **ANNA)
    nucleo_crea(actor=in_a, intestatario=persona, dal=date(2000, 1, 1))
    persona_decesso(actor=in_a, persona=persona, data=date(2025, 3, 3))
    assert persona.stato == Persona.Stato.DECEDUTA
    assert current_household(persona) == []


def test_social_condition_with_source_and_date(in_a):
    persona = persona_create(actor=in_a, **ANNA)
    condizione_registra(actor=in_a, persona=persona, ambito="lavoro", valore="Disoccupata",
                        rilevata_il=date(2025, 1, 10), fonte="dichiarata")
    condizione_registra(actor=in_a, persona=persona, ambito="lavoro",
                        valore="Disoccupata, iscritta al centro per l'impiego",
                        rilevata_il=date(2025, 2, 1), fonte="verificata")
    latest = persona.condizioni.filter(ambito="lavoro").first()
    assert latest.fonte == "verificata"
    with pytest.raises(ValidationFailed):
        condizione_registra(actor=in_a, persona=persona, ambito="hobby", valore="x",
                            rilevata_il=date(2025, 1, 1), fonte="dichiarata")


def test_merge_moves_history_and_keeps_the_duplicate(in_a):
    tieni = persona_create(actor=in_a, **ANNA, residenza={
        "via": "Via Roma", "comune": "Perugia", "dal": date(2020, 1, 1)})
    doppia = persona_create(actor=in_a, cognome="Rossi", nome="Anna", sesso="F",
                            data_nascita=date(1980, 1, 1), conferma_omonimia=True,
                            residenza={"via": "Via Verdi", "comune": "Perugia",
                                       "dal": date(2021, 1, 1)})
    condizione_registra(actor=in_a, persona=doppia, ambito="abitazione", valore="Affitto",
                        rilevata_il=date(2024, 1, 1), fonte="dichiarata")
    persona_unisci(actor=in_a, tieni=tieni, elimina=doppia)
    doppia.refresh_from_db()
    assert doppia.stato == Persona.Stato.UNITA
    assert doppia.unita_in == tieni
    assert tieni.condizioni.count() == 1
    assert Indirizzo.objects.filter(persona=tieni).count() == 2
    assert Indirizzo.objects.filter(persona=tieni, al__isnull=True).count() == 1
    assert AuditEntry.objects.filter(action="persona.unita").exists()
    assert doppia not in persona_search("rossi anna")


def test_search_tolerates_accents_and_typos(in_a):
    persona_create(actor=in_a, cognome="D'Àngelo", nome="Niccolò", sesso="M",
                   data_nascita=date(1975, 3, 12),
                   residenza={"via": "Via Cesare Battisti", "civico": "7", "comune": "Perugia",
                              "dal": date(2010, 1, 1)})
    persona_create(actor=in_a, **ANNA)
    assert [p.nome for p in persona_search("d'angelo niccolo")] == ["Niccolò"]
    assert [p.nome for p in persona_search("dangelo nicolo")] == ["Niccolò"]
    assert [p.nome for p in persona_search("angelo 12/03/1975")] == ["Niccolò"]
    assert [p.nome for p in persona_search("RSSNNA80")] == ["Anna"]
    assert [p.nome for p in persona_search("cesare battisti")] == ["Niccolò"]
    assert persona_search("angelo 13/03/1975") == []
