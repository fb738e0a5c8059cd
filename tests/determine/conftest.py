from tests.interventi.conftest import (  # noqa: F401
    a,
    catalogo,
    determina,
    persona,
    servizio,
    servizio_periodico,
)
