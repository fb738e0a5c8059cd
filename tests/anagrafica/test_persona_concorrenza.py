"""Two operators registering the same person without a codice fiscale at the same moment,
on two real database connections: one registers, the other is asked whether it is the
same person, as if they had come one after the other."""

from __future__ import annotations

import uuid
from datetime import date

from django_tenants.utils import tenant_context

from services.anagrafica.models import Persona
from services.anagrafica.services import Actor, PossibleDuplicate, persona_create
from tests.concurrency import at_once


def test_two_creations_of_the_same_person_at_once(django_db_setup, django_db_blocker):
    from tests.conftest import _CAST

    cast = _CAST[0]
    ente = cast.comune_a.ente
    cognomi = [f"Concorrente{uuid.uuid4().hex[:6]}" for _ in range(3)]

    def crea(who: str, cognome: str):
        def action():
            try:
                return persona_create(actor=Actor(cast.by_role[who], "10.0.0.9"),
                                      cognome=cognome, nome="Maria", sesso="F",
                                      data_nascita=date(1950, 4, 2)).pk
            except PossibleDuplicate as exc:
                return f"duplicato: {exc}"
        return action

    with django_db_blocker.unblock():
        try:
            for cognome in cognomi:  # a few rounds: a race lost once is enough to fail
                results = at_once(ente, {w: crea(w, cognome)
                                         for w in ("operatore_sportello", "assistente_sociale")})
                assert [k for k, _v in results.values()] == ["ok", "ok"], results
                doppioni = [v for _k, v in results.values() if str(v).startswith("duplicato")]
                assert len(doppioni) == 1, results
                assert "è la stessa persona?" in doppioni[0]
                with tenant_context(ente):
                    assert Persona.objects.filter(cognome=cognome).count() == 1
        finally:
            with tenant_context(ente):
                Persona.objects.filter(cognome__in=cognomi).delete()
