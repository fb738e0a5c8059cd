"""Lavori socialmente utili."""
