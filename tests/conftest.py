from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, settings

from mock_events import interceptor

interceptor.check_responses = True

# CI gives the same answer on every run: Hypothesis draws the same examples each time.
# ``pytest --hypothesis-profile=explore`` searches further with fresh randomness; each failure it
# finds becomes a fixed ``@example`` (or a test in test_regressions.py).
settings.register_profile(
    "ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.register_profile(
    "explore", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("ci")

CONFORMANCE = Path(__file__).resolve().parent / "conformance"
"""The conformance corpus, copied into the repository (see conformance/README.md)."""


def load_corpus(name: str) -> list[dict[str, Any]]:
    return json.loads((CONFORMANCE / name).read_text())


@pytest.fixture
def events(events_mock):  # noqa: ANN001, ANN201 - a boto3 client
    """An events client answered by the active mock."""
    return boto3.client("events", region_name="us-east-1")


def error_of(excinfo: pytest.ExceptionInfo[Any]) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]
