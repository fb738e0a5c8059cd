"""Small cells of the region's tables: hidden, and not recoverable by difference."""

from __future__ import annotations

import random

import pytest

from zone.statistiche.suppression import TOTALE, sopprimi


def _recoverable_by_difference(t) -> set:
    """Independent check. Writing each total with a minus sign, every row and column of the
    table with its margins sums to zero; a hidden value can be changed without changing
    anything shown exactly when it lies on a cycle of hidden entries (rows and columns as
    the two sides of a graph, hidden entries as edges): +1/-1 around the cycle keeps every
    sum. A hidden entry on no such cycle is fixed by what is shown."""
    edges = [((("r", r), ("c", c))) for (r, c) in t.nascoste]
    out = set()
    for (r, c) in t.nascoste:
        rest = [e for e in edges if e != (("r", r), ("c", c))]
        seen, todo = {("r", r)}, [("r", r)]
        while todo:
            n = todo.pop()
            for a, b in rest:
                for x, y in ((a, b), (b, a)):
                    if x == n and y not in seen:
                        seen.add(y)
                        todo.append(y)
        if ("c", c) not in seen:
            out.add((r, c))
    return out


def _shown(t):
    return {k: t.mostra(*k) for k in t.valori}


def test_a_single_small_cell_takes_others_with_it():
    t = sopprimi(["A", "B"], ["x", "y"], {("A", "x"): 3, ("A", "y"): 10, ("B", "x"): 12,
                                          ("B", "y"): 7}, soglia=5)
    assert t.primarie == {("A", "x")}
    assert ("A", "x") not in {k for k, v in _shown(t).items() if v is not None}
    # without more hidden cells, 3 = total of A - 10
    assert len(t.nascoste) >= 4
    assert not _recoverable_by_difference(t)


def test_no_small_cell_no_suppression():
    t = sopprimi(["A", "B"], ["x"], {("A", "x"): 5, ("B", "x"): 0}, soglia=5)
    assert not t.nascoste
    assert t.mostra("B", "x") == 0
    assert t.mostra(TOTALE, TOTALE) == 5


def test_a_small_total_is_hidden_too():
    t = sopprimi(["A", "B"], ["x", "y"], {("A", "x"): 2, ("B", "y"): 40}, soglia=5)
    assert ("A", TOTALE) in t.primarie
    assert ("A", "x") in t.primarie
    assert not _recoverable_by_difference(t)


@pytest.mark.parametrize("seed", range(40))
def test_random_tables_leak_nothing(seed):
    rng = random.Random(seed)
    righe = [f"z{i}" for i in range(rng.randint(1, 6))]
    colonne = [f"a{j}" for j in range(rng.randint(1, 7))]
    celle = {(r, c): rng.choice([0, 1, 2, 3, 4, 5, 8, 13, 40, 120]) for r in righe for c in colonne}
    t = sopprimi(righe, colonne, celle, soglia=5)
    assert {k for k, v in t.valori.items() if 0 < v < 5} == t.primarie
    assert not _recoverable_by_difference(t), (celle, t.nascoste)
    for k, v in t.valori.items():  # what is shown is true
        assert t.mostra(*k) in (None, v)
