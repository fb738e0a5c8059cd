"""Small cells of the region's tables: hidden, and not recoverable by difference."""

from __future__ import annotations

import random
import time
from fractions import Fraction

import pytest

from zone.statistiche.suppression import TOTALE, recuperabili, sopprimi


def _rank(rows: list[list[Fraction]]) -> int:
    m = [list(r) for r in rows]
    rank = 0
    for c in range(len(m[0]) if m else 0):
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


def _recoverable_by_difference(t) -> set:
    """Independent of the module's graph argument: linear algebra. Each published line gives
    sum(cells) - total = 0; the hidden entries are the unknowns; an unknown is recoverable
    iff its unit vector lies in the row space of the system."""
    righe, colonne = [*t.righe, TOTALE], [*t.colonne, TOTALE]
    linee = [[(r, c) for c in colonne] for r in righe] + [[(r, c) for r in righe] for c in colonne]
    ignote = sorted(t.nascoste, key=repr)
    if not ignote:
        return set()
    idx = {k: i for i, k in enumerate(ignote)}
    matrice = []
    for linea in linee:
        riga = [Fraction(0)] * len(ignote)
        for k in linea:
            if k in idx:
                riga[idx[k]] = Fraction(-1 if k == linea[-1] else 1)
        if any(riga):
            matrice.append(riga)
    base = _rank(matrice)
    out = set()
    for k, i in idx.items():
        unit = [Fraction(0)] * len(ignote)
        unit[i] = Fraction(1)
        if _rank([*matrice, unit]) == base:
            out.add(k)
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


def test_the_graph_check_agrees_with_linear_algebra():
    rng = random.Random(7)
    for _ in range(60):
        righe, colonne = list(range(rng.randint(1, 5))), list(range(rng.randint(1, 5)))
        t = sopprimi(righe, colonne, {}, soglia=5)
        t.primarie = {k for k in t.valori if rng.random() < 0.35}
        assert recuperabili(t) == _recoverable_by_difference(t)


def test_a_region_of_ninety_zones_is_fast():
    rng = random.Random(3)
    celle = {(z, a): rng.choice([0, 1, 2, 3, 4, 6, 9, 20, 50, 300])
             for z in range(90) for a in range(7)}
    t0 = time.perf_counter()
    t = sopprimi(list(range(90)), list(range(7)), celle, soglia=5)
    assert time.perf_counter() - t0 < 5
    assert not recuperabili(t)
