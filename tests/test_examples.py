"""The example programs run as documented."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.py"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(path, capsys):
    runpy.run_path(str(path), run_name="__main__")
    assert capsys.readouterr().out.strip()


def test_order_service_example_shows_the_transformed_notifications(capsys):
    runpy.run_path(str(EXAMPLES[0].parent / "order_service.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert '{"to":"ada@example.com","subject":"Order o-1001 received"}' in out
    assert "fraud-check function was called for: o-1002\n" in out


def test_moto_queue_example_shows_the_queue_received_the_transformed_event(capsys):
    pytest.importorskip("moto")
    runpy.run_path(str(EXAMPLES[0].parent / "moto_queue.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert 'the queue received: {"label":"Order o-1 to Lyon","order":"o-1"}\n' in out
    assert "Order o-2" not in out
