"""The read-audit tests reuse the interventions' fixtures (comune A's actors, a service
mapped to the catalogue, a person, a determina)."""

from tests.interventi.conftest import (  # noqa: F401
    a,
    catalogo,
    determina,
    persona,
    servizio,
)
