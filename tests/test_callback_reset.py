"""``m.reset()`` from a callback: the state starts again empty at once; the calls in flight finish
answering against the old state and make no more deliveries, into the old logs or the new."""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from typing import Any

import boto3

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:handler"
QUEUE = "arn:aws:sqs:us-east-1:123456789012:q"
START = datetime(2025, 1, 1, tzinfo=timezone.utc)


def put(events: Any) -> dict[str, Any]:
    return events.put_events(Entries=[{"Source": "orders", "DetailType": "Order Placed", "Detail": "{}"}])


def two_targets(events: Any) -> None:
    events.put_rule(Name="a", EventPattern='{"source":["orders"]}')
    events.put_targets(Rule="a", Targets=[{"Id": "f", "Arn": FUNCTION}, {"Id": "q", "Arn": QUEUE}])


def test_the_call_whose_callback_resets_still_gets_its_answer(events, events_mock):
    two_targets(events)
    events_mock.on_target(FUNCTION, lambda d: events_mock.reset())
    answer = put(events)
    assert answer["FailedEntryCount"] == 0 and "EventId" in answer["Entries"][0]


def test_a_reset_from_a_callback_ends_the_deliveries_of_the_call(events, events_mock):
    two_targets(events)
    later = []
    events_mock.on_target(FUNCTION, lambda d: events_mock.reset())
    events_mock.on_target(QUEUE, later.append)
    put(events)
    assert later == []
    assert events_mock.deliveries() == [] and events_mock.failures() == [] and events_mock.events() == []


def test_the_state_after_a_reset_from_a_callback_is_empty_and_answers(events, events_mock):
    two_targets(events)
    events_mock.on_target(FUNCTION, lambda d: events_mock.reset())
    put(events)
    assert [r["Name"] for r in events.list_rules()["Rules"]] == []
    two_targets(events)
    put(events)
    assert [d.target_arn for d in events_mock.deliveries()] == [FUNCTION, QUEUE]


def test_a_reset_from_a_callback_that_then_fails_makes_no_retry(events, events_mock):
    events.put_rule(Name="a", EventPattern='{"source":["orders"]}')
    events.put_targets(Rule="a", Targets=[{"Id": "f", "Arn": FUNCTION}])
    attempts = []

    def reset_and_fail(delivery: Any) -> None:
        attempts.append(delivery.attempt)
        events_mock.reset()
        raise ConnectionError("gone")

    events_mock.on_target(FUNCTION, reset_and_fail)
    put(events)
    assert attempts == [1]
    assert events_mock.failures() == []


def test_a_reset_from_a_scheduled_delivery_ends_the_advance_s_deliveries(events, events_mock):
    events_mock.clock.freeze()
    events_mock.clock.set(START)
    events.put_rule(Name="tick", ScheduleExpression="rate(1 minute)")
    events.put_targets(Rule="tick", Targets=[{"Id": "f", "Arn": FUNCTION}])
    calls = []
    old_clock = events_mock.clock

    def second_resets(delivery: Any) -> None:
        calls.append(delivery.event["time"])
        if len(calls) == 2:
            events_mock.reset()

    events_mock.on_target(FUNCTION, second_resets)
    old_clock.advance(minutes=10)
    assert calls == ["2025-01-01T00:01:00Z", "2025-01-01T00:02:00Z"]
    assert events_mock.deliveries() == [] and events_mock.clock is not old_clock


def test_a_reset_from_a_callback_ends_deliveries_in_flight_in_another_thread(events, events_mock):
    two_targets(events)
    inside, reset_done = threading.Event(), threading.Event()
    later = []

    def waits_for_reset(delivery: Any) -> None:
        inside.set()
        reset_done.wait(10)

    events_mock.on_target(FUNCTION, waits_for_reset)
    events_mock.on_target(QUEUE, later.append)
    answers = []
    putting = threading.Thread(target=lambda: answers.append(put(boto3.client("events", region_name="us-east-1"))))
    putting.start()
    assert inside.wait(10)
    events_mock.reset()
    reset_done.set()
    putting.join(10)
    assert not putting.is_alive()
    assert answers[0]["FailedEntryCount"] == 0
    assert later == [] and events_mock.deliveries() == []
