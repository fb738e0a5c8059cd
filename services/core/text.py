"""Text normalisation shared by search and duplicate checks."""

from __future__ import annotations

import re
import unicodedata


def fold(value: str) -> str:
    """Lower-case, without accents, single spaces: 'D'Àngelo  Niccolò' -> "d'angelo niccolo"."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", ascii_only).strip().lower()
