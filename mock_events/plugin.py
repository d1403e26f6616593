"""The pytest plugin: the ``events_mock`` fixture, and what the mock saw in a failing test's report.

When a test that started a mock fails, its report gets a "mock-events" section: buses, rules,
events put, deliveries, failures and what reached no target, a few lines each. Turn it off with
the ini option ``mock_events_report = false`` or the flag ``--no-mock-events-report``.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import Any

import pytest

from . import diagnostics
from .mock import EventsMock, start_observers

_MOCKS = pytest.StashKey[list[EventsMock]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mock-events")
    group.addoption(
        "--no-mock-events-report",
        action="store_true",
        default=False,
        help="do not add what mock-events saw to the report of a failing test",
    )
    parser.addini(
        "mock_events_report",
        type="bool",
        default=True,
        help="add what mock-events saw to the report of a failing test (default: true)",
    )


def _reporting(config: pytest.Config) -> bool:
    return bool(config.getini("mock_events_report")) and not config.getoption("--no-mock-events-report")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, Any, None]:
    if not _reporting(item.config):
        yield
        return
    mocks: list[EventsMock] = []
    item.stash[_MOCKS] = mocks
    start_observers.append(mocks.append)
    try:
        yield
    finally:
        start_observers.remove(mocks.append)
        del item.stash[_MOCKS]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    mocks = item.stash.get(_MOCKS, None)
    if report.failed and mocks:
        for number, mock in enumerate(mocks, 1):
            title = "mock-events" if len(mocks) == 1 else f"mock-events ({number} of {len(mocks)})"
            report.sections.append((title, diagnostics.summary(mock.backend)))


@pytest.fixture
def events_mock() -> Iterator[EventsMock]:
    """A simulated EventBridge, active for one test, with empty state."""
    with EventsMock() as mock:
        yield mock
