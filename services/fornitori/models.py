"""Fornitori, contratti e fatture."""
