"""Tribunale per i minorenni."""
