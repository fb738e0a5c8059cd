"""Assistenza domiciliare."""
