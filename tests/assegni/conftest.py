from tests.domande.conftest import altra_as, in_a, persona  # noqa: F401
