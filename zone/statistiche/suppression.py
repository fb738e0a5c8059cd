"""Small-cell suppression for the region's tables of counts.

A count under the threshold (1 … N-1) is not shown ("< N": primary suppression). Because
the table also shows row and column totals, one hidden cell in a line could be recovered by
subtraction; so further cells are hidden (secondary suppression: the smallest shown cell of
the line, shown as "•") until no hidden value is determined by the published figures.
"Determined" is checked exactly: a hidden value is recoverable when the linear system the
published figures give fixes it (see ``recuperabili``).

The zone's pages publish lists rather than tables: counts by one dimension (service, area,
comune, month) beside a total that is always shown. ``sopprimi_elenco`` applies the same
rules to such a line: the only published equation is the line's total, so the columns have
no totals of their own (``margini_colonne=False``) and the total is never hidden.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

TOTALE = "__totale__"
LINEA = "__linea__"  # the one row of a list (sopprimi_elenco)
Key = tuple[Hashable, Hashable]
Nodo = tuple[str, Hashable]  # ("r", row) or ("c", column)


@dataclass
class Tabella:
    """Counts by row and column with additive margins, and which entries are hidden."""

    righe: list[Hashable]
    colonne: list[Hashable]
    valori: dict[Key, int]
    primarie: set[Key] = field(default_factory=set)
    secondarie: set[Key] = field(default_factory=set)
    # False for a list: the line's total is published, the columns' totals are not.
    margini_colonne: bool = True

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
    colonne = [*t.colonne, TOTALE]
    if not t.margini_colonne:
        return [[(r, c) for c in colonne] for r in t.righe]
    righe = [*t.righe, TOTALE]
    linee: list[list[Key]] = [[(r, c) for c in colonne] for r in righe]
    linee += [[(r, c) for r in righe] for c in colonne]
    return linee


def recuperabili(t: Tabella) -> set[Key]:
    """Hidden entries whose value the published figures determine.

    Writing each total with a minus sign, every row and column of the table with its
    margins sums to zero. Take rows and columns as the two sides of a graph and hidden
    entries as its edges: the values can move (+1/-1 around a cycle) without changing any
    published figure exactly along cycles, so an entry is determined iff its edge lies on
    no cycle — it is a bridge. Bridges by Tarjan's lowlink, linear in the table's size.
    Columns without published totals put no equation on their entries: they are one node
    (two hidden entries of a line then make a cycle, one alone is a bridge)."""
    adj: dict[Nodo, list[tuple[Nodo, Key]]] = {}
    for (r, c) in t.nascoste:
        a, b = ("r", r), ("c", c if t.margini_colonne or c == TOTALE else None)
        adj.setdefault(a, []).append((b, (r, c)))
        adj.setdefault(b, []).append((a, (r, c)))
    order: dict[Nodo, int] = {}
    low: dict[Nodo, int] = {}
    ponti: set[Key] = set()
    for root in adj:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack: list[tuple[Nodo, Key | None, Iterator[tuple[Nodo, Key]]]] = [
            (root, None, iter(adj[root]))]
        while stack:
            node, via, edges = stack[-1]
            advanced = False
            for nxt, edge in edges:
                if edge == via:
                    continue
                if nxt in order:
                    low[node] = min(low[node], order[nxt])
                else:
                    order[nxt] = low[nxt] = len(order)
                    stack.append((nxt, edge, iter(adj[nxt])))
                    advanced = True
                    break
            if not advanced:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent] and via is not None:
                        ponti.add(via)
    return ponti


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
    _secondarie(t, totali=True)
    return t


def sopprimi_elenco(celle: Mapping[Hashable, int], soglia: int, *,
                    anche: Iterable[Hashable] = ()) -> Tabella:
    """A list of counts published with its total, which stays shown: the entries under the
    threshold and those in ``anche`` (hidden for another reason, such as an amount paid to
    few people) are hidden, and further entries until none can be worked out by subtracting
    the shown ones from the total. Entries are keyed ``(LINEA, key)``: ``mostra(LINEA, key)``."""
    chiavi = list(celle)
    valori: dict[Key, int] = {(LINEA, k): celle[k] for k in chiavi}
    valori[(LINEA, TOTALE)] = sum(celle.values())
    t = Tabella(righe=[LINEA], colonne=chiavi, valori=valori, margini_colonne=False)
    extra = set(anche)
    t.primarie = {(LINEA, k) for k in chiavi if 0 < celle[k] < soglia or k in extra}
    _secondarie(t, totali=False)
    return t


def _secondarie(t: Tabella, *, totali: bool) -> None:
    """Grow the hidden set until nothing hidden can be worked out from what is shown.
    ``totali``: whether a total may be hidden too (the region's tables), or stays shown."""
    valori = t.valori
    while bersagli := recuperabili(t):
        bersaglio = min(bersagli, key=repr)
        candidate = [
            k for linea in _vincoli(t) if bersaglio in linea
            for k in linea if k not in t.nascoste and k != bersaglio
            and (totali or TOTALE not in k)
        ]
        if not candidate:  # everything around it is hidden already: cannot happen, but stop
            break
        nascoste = t.nascoste - {bersaglio}
        # Prefer an inner cell (a total tells more), then one sharing a line with other
        # hidden entries (hiding it likely closes a cycle), then the smallest. In a list,
        # not a zero while another entry will do: a small count is known to be at least 1,
        # so the total minus the shown entries, hidden beside a zero, is still that count.
        scelta = min(candidate, key=lambda k: (
            not totali and valori[k] == 0,
            TOTALE in k, -sum(1 for h in nascoste if h[0] == k[0] or h[1] == k[1]),  # noqa: B023
            valori[k], repr(k)))
        t.secondarie.add(scelta)
