from tests.cartella.conftest import caso, in_a  # noqa: F401  (shared fixtures)
