"""The corpus the tests read is the repository's own copy, whole and with its licence."""

from __future__ import annotations

from pathlib import Path

COPY = Path(__file__).resolve().parent / "conformance"
DATA_FILES = sorted(p.name for p in COPY.iterdir() if p.name != "README.md")


def test_the_copy_holds_the_corpus_and_its_licence() -> None:
    assert {"api_errors.json", "event_patterns.json", "input_transform.json", "rule_matching.json"} <= set(DATA_FILES)
    assert "LICENSE.localstack.txt" in DATA_FILES
    assert "Apache License" in (COPY / "LICENSE.localstack.txt").read_text()
