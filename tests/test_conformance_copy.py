"""The corpus the tests read is the repository's own copy; it must not drift from the project's."""

from __future__ import annotations

from pathlib import Path

import pytest

COPY = Path(__file__).resolve().parent / "conformance"
# The project's shared corpus, laid beside a checkout on developers' machines and in CI only.
ORIGINAL = Path(__file__).resolve().parents[2] / "shared" / "conformance"
DATA_FILES = sorted(p.name for p in COPY.iterdir() if p.name != "README.md")


def test_the_copy_holds_the_corpus_and_its_licence() -> None:
    assert {"api_errors.json", "event_patterns.json", "input_transform.json", "rule_matching.json"} <= set(DATA_FILES)
    assert "LICENSE.localstack.txt" in DATA_FILES
    assert "Apache License" in (COPY / "LICENSE.localstack.txt").read_text()


@pytest.mark.skipif(not ORIGINAL.is_dir(), reason="no shared corpus beside this checkout (a fresh clone)")
@pytest.mark.parametrize("name", DATA_FILES)
def test_the_copy_equals_the_shared_corpus(name: str) -> None:
    assert (COPY / name).read_bytes() == (ORIGINAL / name).read_bytes(), f"refresh tests/conformance/{name}"
