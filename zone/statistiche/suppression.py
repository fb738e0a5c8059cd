"""Small-cell suppression for the region's tables of counts.

A count under the threshold (1 … N-1) is not shown ("< N": primary suppression). Because
the table also shows row and column totals, one hidden cell in a line could be recovered by
subtraction; so further cells are hidden (secondary suppression: the smallest shown cell of
the line, shown as "•") until no hidden value is determined by the published figures.
"Determined" is checked exactly: the hidden values are unknowns of the linear system the
published totals give, and a value is recoverable when it is fixed by that system.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

TOTALE = "__totale__"
Key = tuple[Hashable, Hashable]


@dataclass
class Tabella:
    """Counts by row and column with additive margins, and which entries are hidden."""

    righe: list[Hashable]
    colonne: list[Hashable]
    valori: dict[Key, int]
    primarie: set[Key] = field(default_factory=set)
    secondarie: set[Key] = field(default_factory=set)

    @property
    def nascoste(self) -> set[Key]:
        return self.primarie | self.secondarie

    def cella(self, riga: Hashable, colonna: Hashable) -> int:
        return self.valori.get((riga, colonna), 0)

    def mostra(self, riga: Hashable, colonna: Hashable) -> int | None:
        """The value to publish, or None if hidden."""
        key = (riga, colonna)
        return None if key in self.nascoste else self.cella(riga, colonna)


def _vincoli(t: Tabella) -> list[list[Key]]:
    """Each published equation: the entries of a line and its total (the total is an entry
    too: it may itself be hidden)."""
    righe = [*t.righe, TOTALE]
    colonne = [*t.colonne, TOTALE]
    linee: list[list[Key]] = [[(r, c) for c in colonne] for r in righe]
    linee += [[(r, c) for r in righe] for c in colonne]
    return linee


def _rank(rows: list[list[Fraction]]) -> int:
    m = [list(r) for r in rows]
    rank = 0
    cols = len(m[0]) if m else 0
    for c in range(cols):
        pivot = next((i for i in range(rank, len(m)) if m[i][c] != 0), None)
        if pivot is None:
            continue
        m[rank], m[pivot] = m[pivot], m[rank]
        for i in range(len(m)):
            if i != rank and m[i][c] != 0:
                f = m[i][c] / m[rank][c]
                m[i] = [a - f * b for a, b in zip(m[i], m[rank], strict=True)]
        rank += 1
    return rank


def recuperabili(t: Tabella) -> set[Key]:
    """Hidden entries whose value the published figures determine."""
    ignote = sorted(t.nascoste, key=repr)
    if not ignote:
        return set()
    indice = {k: i for i, k in enumerate(ignote)}
    matrice: list[list[Fraction]] = []
    for linea in _vincoli(t):
        # sum(cells) - total = 0: the total (last entry) enters with the opposite sign.
        riga = [Fraction(0)] * len(ignote)
        for k in linea:
            if k in indice:
                riga[indice[k]] = Fraction(-1 if k == linea[-1] else 1)
        if any(riga):
            matrice.append(riga)
    if not matrice:
        return set()
    base = _rank(matrice)
    out = set()
    for k, i in indice.items():
        unit = [Fraction(0)] * len(ignote)
        unit[i] = Fraction(1)
        if _rank([*matrice, unit]) == base:
            out.add(k)
    return out


def sopprimi(righe: Sequence[Hashable], colonne: Sequence[Hashable],
             celle: dict[Key, int], soglia: int) -> Tabella:
    """Build the table with margins and decide what to hide."""
    valori: dict[Key, int] = {}
    for r in righe:
        for c in colonne:
            valori[(r, c)] = celle.get((r, c), 0)
        valori[(r, TOTALE)] = sum(valori[(r, c)] for c in colonne)
    for c in [*colonne, TOTALE]:
        valori[(TOTALE, c)] = sum(valori[(r, c)] for r in righe)
    t = Tabella(righe=list(righe), colonne=list(colonne), valori=valori)
    t.primarie = {k for k, v in valori.items() if 0 < v < soglia}
    # Grow the hidden set until nothing hidden can be worked out from what is shown.
    while bersagli := recuperabili(t):
        bersaglio = min(bersagli, key=repr)
        candidate = [
            k for linea in _vincoli(t) if bersaglio in linea
            for k in linea if k not in t.nascoste and k != bersaglio
        ]
        if not candidate:  # everything around it is hidden already: cannot happen, but stop
            break
        nascoste = t.nascoste - {bersaglio}
        # Prefer an inner cell (a total tells more), then one sharing a line with other
        # hidden entries (hiding it likely closes a cycle), then the smallest.
        scelta = min(candidate, key=lambda k: (
            TOTALE in k, -sum(1 for h in nascoste if h[0] == k[0] or h[1] == k[1]),  # noqa: B023
            valori[k], repr(k)))
        t.secondarie.add(scelta)
    return t
