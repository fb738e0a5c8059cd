"""Statistiche dell'ambito."""
