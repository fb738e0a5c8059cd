from tests.interventi.conftest import a, catalogo, persona, servizio  # noqa: F401
