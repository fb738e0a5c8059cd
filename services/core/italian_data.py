"""Realistic Italian people for demo data, tests and benchmarks: names, birth places with
their Belfiore codes, addresses, and codici fiscali computed by python-codicefiscale (so the
check character and omocodia rules are the library's, not ours)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, cast

from codicefiscale import codicefiscale

MALE_NAMES = [
    "Marco", "Giuseppe", "Luca", "Francesco", "Alessandro", "Andrea", "Matteo", "Lorenzo",
    "Davide", "Simone", "Paolo", "Stefano", "Giovanni", "Antonio", "Roberto", "Fabio",
    "Riccardo", "Tommaso", "Federico", "Niccolò",
]
FEMALE_NAMES = [
    "Giulia", "Francesca", "Chiara", "Sara", "Martina", "Valentina", "Elena", "Laura",
    "Alessia", "Silvia", "Federica", "Anna", "Maria", "Paola", "Elisa", "Caterina",
    "Beatrice", "Lucia", "Ilaria", "Serena",
]
SURNAMES = [
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
    "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa",
    "Giordano", "Rizzo", "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani",
    "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini", "Leone", "Bartolini", "Cecchi",
    "Innocenti", "Nardi", "Bellini", "Guidi", "Fabbri", "Parenti", "Del Bianco", "Lotti",
]
# (name, Belfiore code, provincia) of real comuni, for birth places and residences.
PLACES = [
    ("Empoli", "D403", "FI"), ("Vinci", "M059", "FI"), ("Firenze", "D612", "FI"),
    ("Montelupo Fiorentino", "F551", "FI"), ("Cerreto Guidi", "C529", "FI"),
    ("Prato", "G999", "PO"), ("Pisa", "G702", "PI"), ("Livorno", "E625", "LI"),
    ("Siena", "I726", "SI"), ("Roma", "H501", "RM"), ("Milano", "F205", "MI"),
    ("Napoli", "F839", "NA"), ("Palermo", "G273", "PA"), ("Torino", "L219", "TO"),
    ("Bologna", "A944", "BO"),
]
STREETS = [
    "Via Roma", "Via Giuseppe Garibaldi", "Via Giacomo Matteotti", "Piazza della Vittoria",
    "Via Dante Alighieri", "Via Cavour", "Via XX Settembre", "Via Leonardo da Vinci",
    "Via dei Mille", "Corso Italia", "Via Antonio Gramsci", "Via Aldo Moro",
]


@dataclass(frozen=True)
class FakePerson:
    first_name: str
    last_name: str
    sex: str  # "M" or "F"
    birth_date: date
    birth_place: str
    birth_belfiore: str
    codice_fiscale: str
    address: str

    @property
    def email_local(self) -> str:
        clean = lambda s: "".join(ch for ch in s.lower() if ch.isalpha())  # noqa: E731
        return f"{clean(self.first_name)}.{clean(self.last_name)}"


def fake_person(rng: random.Random | None = None, *, sex: str | None = None,
                min_age: int = 18, max_age: int = 90) -> FakePerson:
    rng = rng or random.Random()  # noqa: S311 - test data, not secrets
    sex = sex or rng.choice("MF")
    first = rng.choice(MALE_NAMES if sex == "M" else FEMALE_NAMES)
    last = rng.choice(SURNAMES)
    today = date(2026, 1, 1)
    birth = today - timedelta(days=rng.randint(min_age * 365, max_age * 365))
    place, belfiore, _prov = rng.choice(PLACES)
    cf = codicefiscale.encode(
        lastname=last, firstname=first, gender=cast(Literal["M", "F"], sex),
        birthdate=birth.strftime("%d/%m/%Y"), birthplace=belfiore,
    )
    address = f"{rng.choice(STREETS)} {rng.randint(1, 120)}"
    return FakePerson(first, last, sex, birth, place, belfiore, cf, address)
