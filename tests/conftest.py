from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, settings

from mock_events.mock import CHECK_RESPONSES_VARIABLE

# Every mock of the suite (fixture, decorator, context manager) checks its responses against the
# operation's output shape; each test module is imported after this line.
os.environ[CHECK_RESPONSES_VARIABLE] = "1"

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


def profile_examples(count: int) -> int:
    """The examples a test that asks for ``count`` under the ci profile draws under the active one:
    as many times more as the profile draws beyond Hypothesis's default of 100 (explore: 20 times).
    A test's own ``max_examples`` overrides the profile's, so each test sets this instead."""
    return count * max(1, settings.default.max_examples // 100)

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


class NetworkUsed(AssertionError):
    """Raised by the ``no_network`` guard where code tried to reach the network."""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Fail the test on any connection or DNS look-up it makes (also where the caller swallows
    the error: every attempt is recorded and checked at teardown). Yields the list of attempts."""
    attempts: list[str] = []

    def refuse(what: str):  # noqa: ANN202
        def guard(*args: Any, **kwargs: Any) -> Any:
            shown = [a for a in args if not isinstance(a, socket.socket)]
            attempts.append(f"{what}{tuple(shown)!r}")
            raise NetworkUsed(f"network used under the guard: {what}{tuple(shown)!r}")

        return guard

    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket, "gethostbyname", refuse("gethostbyname"))
    yield attempts
    assert attempts == [], f"network used: {attempts}"


class AwsFiles:
    """The AWS config and shared credentials files of a test (empty until written)."""

    def __init__(self, directory: Path) -> None:
        self.config = directory / "config"
        self.credentials = directory / "credentials"

    def write_config(self, text: str) -> None:
        self.config.write_text(text)

    def write_credentials(self, text: str) -> None:
        self.credentials.write_text(text)


@pytest.fixture
def bare_aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AwsFiles:
    """No ``AWS_*`` variable set and no config or credentials file but the test's own."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    files = AwsFiles(tmp_path)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(files.config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(files.credentials))
    return files


