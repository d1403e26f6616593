"""Hostile callbacks: re-entering the mock from a delivery, in ways it can or cannot honour."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from mock_events.errors import MockMisuseError

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:handler"
START = datetime(2025, 1, 1, tzinfo=timezone.utc)


def test_moving_the_clock_from_a_scheduled_delivery_fails_the_test_not_the_target(events, events_mock):
    """The refusal is the test's error: taken as a target failure, it was retried (the callback
    saw the same event twice) and the advance the test asked for silently never happened."""
    events_mock.clock.freeze()
    events_mock.clock.set(START)
    events.put_rule(Name="tick", ScheduleExpression="rate(1 minute)")
    events.put_targets(Rule="tick", Targets=[{"Id": "f", "Arn": FUNCTION}])
    seen: list[str] = []

    def advances(delivery: Any) -> None:
        seen.append(delivery.event["id"])
        events_mock.clock.advance(minutes=1)

    events_mock.on_target(FUNCTION, advances)
    with pytest.raises(MockMisuseError, match="from inside a timer callback"):
        events_mock.clock.advance(minutes=3)
    assert len(seen) == 1
    assert [f.outcome for f in events_mock.failures()] == ["propagated"]
    assert events_mock.deliveries(FUNCTION) == []
