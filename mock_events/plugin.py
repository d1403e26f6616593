"""The pytest plugin: the ``events_mock`` fixture, and what the mock saw in a failing test's report.

When a test that started a mock fails, its report gets a "mock-events" section: buses, rules,
events put, deliveries, failures and what reached no target, a few lines each. Turn it off with
the ini option ``mock_events_report = false`` or the flag ``--no-mock-events-report``.

A test's ``events_mock`` takes the options of ``EventsMock`` from the test's ``mock_events`` marker:
``@pytest.mark.mock_events(quotas={"connections": 1}, replay_mode="clock")`` (the closest marker
wins: a test's over its class's or module's ``pytestmark``). A test's own marker on a test that does
not use ``events_mock`` is a usage error: it would set nothing.

``mock_events_with_moto = true`` (ini) or ``--mock-events-with-moto`` turns on
``mock_events.with_moto()`` for the whole run: every activation of moto's ``mock_aws`` then
also answers EventBridge with mock-events (see ``mock_events.with_moto``).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import Any

import pytest

from . import diagnostics
from .mock import EventsMock, start_observers

_MOCKS = pytest.StashKey[list[EventsMock]]()
_INI = "mock_events_with_moto"
_switch = pytest.StashKey["object"]()


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
    parser.addini(
        _INI,
        type="bool",
        default=False,
        help="every activation of moto's mock_aws also answers EventBridge with mock-events",
    )
    group.addoption(
        "--mock-events-with-moto",
        action="store_true",
        default=False,
        help="every activation of moto's mock_aws also answers EventBridge with mock-events",
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

    def observe(mock: EventsMock) -> None:
        if mock not in mocks:  # a mock started again with its state (moto's lifecycle) counts once
            mocks.append(mock)

    start_observers.append(observe)
    try:
        yield
    finally:
        start_observers.remove(observe)
        del item.stash[_MOCKS]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    mocks = item.stash.get(_MOCKS, None)
    if report.failed and mocks:
        for number, mock in enumerate(mocks, 1):
            title = "mock-events" if len(mocks) == 1 else f"mock-events ({number} of {len(mocks)})"
            report.sections.append((title, diagnostics.summary(mock._backend)))

def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "mock_events(**options): options of the test's events_mock fixture, as EventsMock takes "
        "them (region, account_id, quotas, replay_mode, seed, ...)",
    )
    if not (config.getoption("--mock-events-with-moto") or config.getini(_INI)):
        return
    from .with_moto import with_moto

    try:
        switch = with_moto().__enter__()
    except RuntimeError as error:
        raise pytest.UsageError(str(error)) from None
    config.stash[_switch] = switch


def pytest_unconfigure(config: pytest.Config) -> None:
    switch = config.stash.get(_switch, None)
    if switch is not None:
        switch.__exit__(None, None, None)  # type: ignore[attr-defined]
        del config.stash[_switch]


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test's own ``mock_events`` marker is for its ``events_mock``: on a test without the
    fixture it would be ignored silently (a class's or module's marker may also cover tests that
    do not use the fixture)."""
    if "events_mock" in getattr(item, "fixturenames", ()):
        return
    if any(marker.name == "mock_events" for marker in getattr(item, "own_markers", ())):
        raise pytest.UsageError(
            f"{item.nodeid}: the mock_events marker sets the options of the events_mock fixture, "
            "which this test does not use (pass options to @mock_events(...) instead)")


@pytest.fixture
def events_mock(request: pytest.FixtureRequest) -> Iterator[EventsMock]:
    """A simulated EventBridge, active for one test, with empty state: an ``EventsMock`` made with
    the keyword arguments of the test's ``mock_events`` marker, if it has one.

    Raises ``pytest.UsageError`` when the marker has positional arguments, or an option
    ``EventsMock`` does not take or refuses."""
    marker = request.node.get_closest_marker("mock_events")
    options: dict[str, Any] = {}
    if marker is not None:
        if marker.args:
            raise pytest.UsageError(f"the mock_events marker takes keyword arguments only, not {marker.args!r}")
        options = dict(marker.kwargs)
    try:
        mock = EventsMock(**options)
    except (TypeError, ValueError) as error:
        raise pytest.UsageError(f"mock_events marker: {error}") from None
    with mock:
        yield mock
