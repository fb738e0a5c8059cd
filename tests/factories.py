"""Valid Italian test data: codici fiscali come from python-codicefiscale."""

from __future__ import annotations

import random

from services.core.italian_data import FakePerson, fake_person

PASSWORD = "Password-di-prova-2026"
_rng = random.Random(4242)  # noqa: S311 - reproducible test data


def person(**kwargs) -> FakePerson:
    return fake_person(_rng, **kwargs)
