"""Timing helpers shared by the benchmark scripts: best-of-N per-call times, printed as tables."""

from __future__ import annotations

import time
from collections.abc import Callable


def _round(func: Callable[[], object], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        func()
    return (time.perf_counter() - start) / calls


def per_call(func: Callable[[], object], *, calls: int = 300, rounds: int = 5) -> float:
    """Best per-call time in microseconds over ``rounds`` rounds of ``calls`` calls."""
    func()
    return min(_round(func, calls) for _ in range(rounds)) * 1e6


def compare(
    a: Callable[[], object], b: Callable[[], object], *, calls: int = 200, rounds: int = 15
) -> tuple[float, float]:
    """Best per-call times (us) of ``a`` and ``b``, measured in alternating rounds so that the
    machine's noise falls on both alike."""
    a()
    b()
    best_a = best_b = float("inf")
    for _ in range(rounds):
        best_a = min(best_a, _round(a, calls))
        best_b = min(best_b, _round(b, calls))
    return best_a * 1e6, best_b * 1e6


def compare_timed(
    a: Callable[[], float], b: Callable[[], float], *, rounds: int = 15
) -> tuple[float, float]:
    """``compare`` for rounds that time themselves: ``a()`` and ``b()`` each run one round and
    return the seconds of its timed part, so that what a round must set up and tear down around
    the work measured (activating a mock, say) is left out. Best of ``rounds``, in microseconds,
    alternating."""
    a()
    b()
    best_a = best_b = float("inf")
    for _ in range(rounds):
        best_a = min(best_a, a())
        best_b = min(best_b, b())
    return best_a * 1e6, best_b * 1e6


def table(title: str, header: tuple[str, ...], rows: list[tuple[object, ...]]) -> None:
    print(f"\n{title}")
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    for row in (header, *rows):
        print("  ".join(str(x).rjust(w) for x, w in zip(row, widths)))
