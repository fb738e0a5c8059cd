"""The scene of the provider tests (comune A, a cooperative, a structure, contracts)."""

from tests.fornitori.conftest import scena  # noqa: F401
