"""Typed use of the public API, checked by ``mypy --strict`` (``tox -e lint``) and run by
tests/test_typed_usage.py. A line ending in ``# type: ignore[...]`` is a mistake mypy must catch:
with ``warn_unused_ignores`` (part of --strict) the check fails if it stops catching it."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from mock_events import (
    ClockJumpWarning,
    Delivery,
    EventsMock,
    Failure,
    QuotaName,
    ReplayMode,
    ShadowedMockWarning,
    current_mock,
    mock_events,
)


def configured() -> EventsMock:
    mode: ReplayMode = "clock"
    quota: QuotaName = "targets_per_rule"
    return mock_events(
        region="eu-west-1",
        account_id="111122223333",
        quotas={quota: 10, "event_buses": 5},
        replay_mode=mode,
        fire_warning_threshold=None,
    )


def misspelt_options() -> None:
    mock_events(replay_mode="later")  # type: ignore[call-overload]
    mock_events(quotas={"event_busses": 5})  # type: ignore[dict-item]


@mock_events
def decorated(name: str) -> int:
    m: EventsMock = current_mock()
    same: EventsMock = mock_events.current_mock()
    assert m is same
    return len(name)


def read(m: EventsMock) -> tuple[list[str], list[str | None], list[dict[str, Any]]]:
    deliveries: list[Delivery] = m.deliveries("arn:aws:sqs:eu-west-1:111122223333:q")
    failures: list[Failure] = m.failures()
    now: datetime = m.clock.now()
    m.clock.set(datetime(2030, 1, 1, tzinfo=timezone.utc))
    m.clock.fire_warning_threshold = 50_000
    warning_types: tuple[type[UserWarning], ...] = (ClockJumpWarning, ShadowedMockWarning)
    assert now.tzinfo is not None and warning_types
    payloads = [d.payload for d in deliveries]
    rules = [f.rule_arn for f in failures]
    return payloads, rules, m.events("default")


def run() -> int:
    with configured() as m:
        read(m)
    return decorated("orders")
