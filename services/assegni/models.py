"""Assegni di maternità e al nucleo familiare."""
