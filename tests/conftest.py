from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from mock_events import interceptor

interceptor.check_responses = True

CONFORMANCE = Path(__file__).resolve().parents[2] / "shared" / "conformance"


def load_corpus(name: str) -> list[dict[str, Any]]:
    return json.loads((CONFORMANCE / name).read_text())


@pytest.fixture
def events(events_mock):  # noqa: ANN001, ANN201 - a boto3 client
    """An events client answered by the active mock."""
    return boto3.client("events", region_name="us-east-1")


def error_of(excinfo: pytest.ExceptionInfo[Any]) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]
