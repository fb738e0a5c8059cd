"""Ricoveri in struttura."""
