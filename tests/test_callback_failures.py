"""A test failure raised in a callback (an AssertionError, pytest's fail()/skip()) reaches the test
from the call that made the delivery; what the call did before stands, what it had not yet
delivered is not delivered. Any other exception is the target failing: retried, then dead-lettered.
"""

from __future__ import annotations

import json
import unittest
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest

from mock_events import mock_events

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:handler"
QUEUE = "arn:aws:sqs:us-east-1:123456789012:q"
DLQ = "arn:aws:sqs:us-east-1:123456789012:dlq"
START = datetime(2025, 1, 1, tzinfo=timezone.utc)
ACCOUNT = "123456789012"


def put(events: Any, source: str = "orders", **entry: Any) -> dict[str, Any]:
    return events.put_events(Entries=[{"Source": source, "DetailType": "Order Placed", "Detail": "{}", **entry}])


def route(events: Any, name: str, *targets: dict[str, Any], pattern: str = '{"source":["orders"]}', **rule: Any) -> None:
    events.put_rule(Name=name, EventPattern=pattern, **rule)
    bus = {"EventBusName": rule["EventBusName"]} if "EventBusName" in rule else {}
    events.put_targets(Rule=name, Targets=list(targets), **bus)


def asserts(delivery: Any) -> None:
    assert delivery.event["detail"] == {"total": 5}


def test_an_assertion_in_a_callback_fails_put_events(events, events_mock):
    route(events, "orders", {"Id": "f", "Arn": FUNCTION})
    events_mock.on_target(FUNCTION, asserts)
    with pytest.raises(AssertionError, match="total"):
        put(events)


def test_pytest_fail_in_a_callback_fails_the_call(events, events_mock):
    route(events, "orders", {"Id": "f", "Arn": FUNCTION})
    events_mock.on_target(FUNCTION, lambda d: pytest.fail("wrong order"))
    with pytest.raises(pytest.fail.Exception, match="wrong order"):
        put(events)


def test_pytest_skip_in_a_callback_skips_through_the_call(events, events_mock):
    route(events, "orders", {"Id": "f", "Arn": FUNCTION})
    events_mock.on_target(FUNCTION, lambda d: pytest.skip("not today"))
    with pytest.raises(pytest.skip.Exception):
        put(events)


def test_unittest_skip_test_in_a_callback_skips_through_the_call(events, events_mock):
    route(events, "orders", {"Id": "f", "Arn": FUNCTION})
    events_mock.on_target(FUNCTION, lambda d: unittest.TestCase().skipTest("not today"))
    with pytest.raises(unittest.SkipTest):
        put(events)


def test_unittest_fail_in_a_callback_fails_the_call(events, events_mock):
    route(events, "orders", {"Id": "f", "Arn": FUNCTION})
    events_mock.on_target(FUNCTION, lambda d: unittest.TestCase().fail("wrong order"))
    with pytest.raises(AssertionError, match="wrong order"):
        put(events)


def test_a_propagated_failure_is_recorded_once_and_not_retried(events, events_mock):
    calls = []
    route(events, "orders", {"Id": "f", "Arn": FUNCTION, "DeadLetterConfig": {"Arn": DLQ}})
    events_mock.on_target(FUNCTION, lambda d: calls.append(d.attempt) or asserts(d))
    with pytest.raises(AssertionError):
        put(events)
    assert calls == [1]
    (failure,) = events_mock.failures()
    assert (failure.target_arn, failure.outcome, failure.attempt) == (FUNCTION, "propagated", 1)
    assert failure.error.startswith("AssertionError: ")
    assert events_mock.deliveries() == []


def test_the_event_stays_accepted_when_a_callback_fails_the_test(events, events_mock):
    route(events, "orders", {"Id": "f", "Arn": FUNCTION})
    events_mock.on_target(FUNCTION, asserts)
    with pytest.raises(AssertionError):
        put(events)
    assert [e["source"] for e in events_mock.events()] == ["orders"]


def test_deliveries_made_before_the_failure_stand_and_those_after_are_not_made(events, events_mock):
    later = "arn:aws:sqs:us-east-1:123456789012:later"
    route(events, "orders", {"Id": "q", "Arn": QUEUE}, {"Id": "f", "Arn": FUNCTION}, {"Id": "l", "Arn": later})
    events_mock.on_target(FUNCTION, asserts)
    with pytest.raises(AssertionError):
        events.put_events(Entries=[{"Source": "orders", "DetailType": "x", "Detail": "{}"}] * 2)
    assert [d.target_arn for d in events_mock.deliveries()] == [QUEUE]
    assert [(f.target_arn, f.outcome) for f in events_mock.failures()] == [(FUNCTION, "propagated")]
    assert len(events_mock.events()) == 2


def test_other_exceptions_stay_target_failures(events, events_mock):
    route(events, "orders", {"Id": "f", "Arn": FUNCTION, "RetryPolicy": {"MaximumRetryAttempts": 1}})
    events_mock.on_target(FUNCTION, lambda d: {}["missing"])
    assert put(events)["FailedEntryCount"] == 0
    assert [f.outcome for f in events_mock.failures()] == ["retried", "dropped"]


def test_an_assertion_on_a_later_attempt_propagates_after_the_retries_so_far(events, events_mock):
    def flaky(delivery: Any) -> None:
        if delivery.attempt < 3:
            raise TimeoutError("cold start")
        assert delivery.attempt == 1, "third attempt"

    route(events, "orders", {"Id": "f", "Arn": FUNCTION})
    events_mock.on_target(FUNCTION, flaky)
    with pytest.raises(AssertionError, match="third attempt"):
        put(events)
    assert [(f.outcome, f.attempt) for f in events_mock.failures()] == [
        ("retried", 1), ("retried", 2), ("propagated", 3)]


def test_an_assertion_in_a_dead_letter_queue_callback_propagates(events, events_mock):
    route(events, "orders", {"Id": "f", "Arn": FUNCTION, "RetryPolicy": {"MaximumRetryAttempts": 0},
                             "DeadLetterConfig": {"Arn": DLQ}})
    events_mock.on_target(FUNCTION, lambda d: 1 / 0)
    events_mock.on_target(DLQ, lambda d: pytest.fail(f"dead-lettered: {d.error}"))
    with pytest.raises(pytest.fail.Exception, match="ZeroDivisionError"):
        put(events)
    assert [(f.target_arn, f.outcome) for f in events_mock.failures()] == [
        (FUNCTION, "dead-lettered"), (DLQ, "propagated")]
    assert events_mock.deliveries() == []


def test_a_dead_letter_queue_whose_callback_raises_loses_the_event(events, events_mock):
    route(events, "orders", {"Id": "f", "Arn": FUNCTION, "RetryPolicy": {"MaximumRetryAttempts": 0},
                             "DeadLetterConfig": {"Arn": DLQ}})
    events_mock.on_target(FUNCTION, lambda d: 1 / 0)
    events_mock.on_target(DLQ, lambda d: 1 / 0)
    put(events)
    assert [(f.target_arn, f.outcome) for f in events_mock.failures()] == [
        (FUNCTION, "dead-lettered"), (DLQ, "dropped")]
    assert events_mock.deliveries() == []


def test_an_assertion_in_a_nested_put_fails_the_outer_call(events, events_mock):
    route(events, "orders", {"Id": "f", "Arn": FUNCTION})
    route(events, "shipping", {"Id": "q", "Arn": QUEUE}, pattern='{"source":["shipping"]}')
    events_mock.on_target(FUNCTION, lambda d: put(boto3.client("events", region_name="us-east-1"), "shipping"))
    events_mock.on_target(QUEUE, asserts)
    with pytest.raises(AssertionError):
        put(events)
    assert [(f.target_arn, f.outcome) for f in events_mock.failures()] == [
        (QUEUE, "propagated"), (FUNCTION, "propagated")]


def test_an_assertion_behind_a_bus_to_bus_forward_fails_put_events(events, events_mock):
    events.create_event_bus(Name="orders")
    forward = f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/orders"
    route(events, "to-orders", {"Id": "b", "Arn": forward})
    route(events, "orders", {"Id": "f", "Arn": FUNCTION}, EventBusName="orders")
    events_mock.on_target(FUNCTION, asserts)
    with pytest.raises(AssertionError):
        put(events)


def test_an_assertion_fails_put_partner_events(events_mock):
    events = boto3.client("events", region_name="us-east-1")
    source = "aws.partner/example.com/orders"
    events.create_partner_event_source(Name=source, Account=ACCOUNT)
    events.create_event_bus(Name=source, EventSourceName=source)
    route(events, "partner", {"Id": "f", "Arn": FUNCTION}, pattern=json.dumps({"source": [source]}),
          EventBusName=source)
    events_mock.on_target(FUNCTION, asserts)
    with pytest.raises(AssertionError):
        events.put_partner_events(Entries=[{"Source": source, "DetailType": "x", "Detail": "{}"}])


def test_an_assertion_fails_start_replay_which_stays_completed(events, events_mock):
    events_mock.clock.freeze()
    events_mock.clock.set(START)
    bus = f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/default"
    events.create_archive(ArchiveName="all", EventSourceArn=bus)
    put(events)
    put(events)
    route(events, "orders", {"Id": "f", "Arn": FUNCTION})
    events_mock.clock.advance(minutes=1)
    calls = []
    events_mock.on_target(FUNCTION, lambda d: calls.append(d) or asserts(d))
    with pytest.raises(AssertionError):
        events.start_replay(ReplayName="again", EventSourceArn=f"arn:aws:events:us-east-1:{ACCOUNT}:archive/all",
                            EventStartTime=START - timedelta(hours=1), EventEndTime=START + timedelta(hours=1),
                            Destination={"Arn": bus})
    assert len(calls) == 1
    assert events.describe_replay(ReplayName="again")["State"] == "COMPLETED"


def test_an_assertion_in_a_scheduled_delivery_fails_advance_and_the_clock_stops_there(events, events_mock):
    events_mock.clock.freeze()
    events_mock.clock.set(START)
    events.put_rule(Name="tick", ScheduleExpression="rate(1 minute)")
    events.put_targets(Rule="tick", Targets=[{"Id": "f", "Arn": FUNCTION}])
    seen = []

    def third_fails(delivery: Any) -> None:
        seen.append(delivery.event["time"])
        assert len(seen) < 3, "third tick"

    events_mock.on_target(FUNCTION, third_fails)
    with pytest.raises(AssertionError, match="third tick"):
        events_mock.clock.advance(minutes=10)
    assert events_mock.clock.now() == START + timedelta(minutes=3)
    assert len(events_mock.deliveries(FUNCTION)) == 2
    assert [f.outcome for f in events_mock.failures()] == ["propagated"]


def test_a_scheduled_rule_keeps_firing_after_a_failed_advance(events, events_mock):
    events_mock.clock.freeze()
    events_mock.clock.set(START)
    events.put_rule(Name="tick", ScheduleExpression="rate(1 minute)")
    events.put_targets(Rule="tick", Targets=[{"Id": "f", "Arn": FUNCTION}])
    failing = [True]

    def fails_once(delivery: Any) -> None:
        if failing.pop() if failing else False:
            pytest.fail("first tick")

    events_mock.on_target(FUNCTION, fails_once)
    with pytest.raises(pytest.fail.Exception):
        events_mock.clock.advance(minutes=5)
    events_mock.clock.advance(minutes=4)
    times = [d.event["time"] for d in events_mock.deliveries(FUNCTION)]
    assert times == [f"2025-01-01T00:0{m}:00Z" for m in range(2, 6)]


def test_an_assertion_in_a_clock_mode_replay_fails_advance():
    with mock_events(replay_mode="clock") as m:
        events = boto3.client("events", region_name="us-east-1")
        m.clock.freeze()
        m.clock.set(START)
        bus = f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/default"
        events.create_archive(ArchiveName="all", EventSourceArn=bus)
        put(events)
        route(events, "orders", {"Id": "f", "Arn": FUNCTION})
        m.clock.advance(minutes=1)
        m.on_target(FUNCTION, asserts)
        events.start_replay(ReplayName="again", EventSourceArn=f"arn:aws:events:us-east-1:{ACCOUNT}:archive/all",
                            EventStartTime=START - timedelta(hours=1), EventEndTime=START + timedelta(minutes=1),
                            Destination={"Arn": bus})
        with pytest.raises(AssertionError):
            m.clock.advance(hours=3)
        assert [f.outcome for f in m.failures()] == ["propagated"]


def test_an_assertion_in_a_schedule_due_by_real_time_fails_the_call_that_ran_it(events, events_mock):
    freezegun = pytest.importorskip("freezegun")
    with freezegun.freeze_time(START) as frozen:
        events.put_rule(Name="tick", ScheduleExpression="rate(1 minute)")
        events.put_targets(Rule="tick", Targets=[{"Id": "f", "Arn": FUNCTION}])
        events_mock.on_target(FUNCTION, asserts)
        frozen.tick(timedelta(minutes=1))
        with pytest.raises(AssertionError):
            events.list_rules()
