"""Callbacks never run under the mock's lock: they may call the service, from their own thread or
from threads they wait on, while other threads call it too; deliveries stay in order, each once.

Every test runs its threads with a timeout and asserts they ended, so a deadlock fails the test
instead of hanging the suite.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import boto3

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:handler"
QUEUE = "arn:aws:sqs:us-east-1:123456789012:q"
DLQ = "arn:aws:sqs:us-east-1:123456789012:dlq"
TIMEOUT = 10
START = datetime(2025, 1, 1, tzinfo=timezone.utc)


def client() -> Any:
    return boto3.client("events", region_name="us-east-1")


def in_thread(work: Callable[[], Any]) -> Callable[[], Any]:
    """Start ``work`` in a thread; the returned function joins it (failing after TIMEOUT) and
    gives its result, or raises what it raised."""
    outcome: dict[str, Any] = {}

    def body() -> None:
        try:
            outcome["result"] = work()
        except BaseException as error:  # noqa: BLE001 - re-raised by join
            outcome["error"] = error

    thread = threading.Thread(target=body, daemon=True)
    thread.start()

    def join() -> Any:
        thread.join(TIMEOUT)
        assert not thread.is_alive(), "the thread is stuck: a deadlock"
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("result")

    return join


def put(events: Any, source: str = "orders") -> dict[str, Any]:
    return events.put_events(Entries=[{"Source": source, "DetailType": "Order Placed", "Detail": "{}"}])


def route(events: Any, name: str, arn: str, pattern: str = '{"source":["orders"]}', **target: Any) -> None:
    events.put_rule(Name=name, EventPattern=pattern)
    events.put_targets(Rule=name, Targets=[{"Id": "t", "Arn": arn, **target}])


def every_minute(events: Any, name: str, arn: str) -> None:
    events.put_rule(Name=name, ScheduleExpression="rate(1 minute)")
    events.put_targets(Rule=name, Targets=[{"Id": "t", "Arn": arn}])


def test_a_clock_advance_and_a_put_whose_callback_lists_rules_both_finish(events, events_mock):
    events_mock.clock.freeze()
    events_mock.clock.set(START)
    scheduled = "arn:aws:lambda:us-east-1:123456789012:function:scheduled"
    every_minute(events, "a", scheduled)
    every_minute(events, "b", scheduled)
    fired = threading.Event()
    listed = threading.Event()
    waits = []

    def on_schedule(delivery: Any) -> None:
        fired.set()
        waits.append(listed.wait(TIMEOUT))  # the other thread's callback runs while this one does

    def on_order(delivery: Any) -> None:
        client().list_rules()
        listed.set()

    events_mock.on_target(scheduled, on_schedule)
    events_mock.on_target(FUNCTION, on_order)
    route(events, "orders", FUNCTION)
    advance = in_thread(lambda: events_mock.clock.advance(minutes=30))
    assert fired.wait(TIMEOUT)
    putting = in_thread(lambda: [put(client()) for _ in range(20)])
    advance()
    putting()
    assert waits[0] is True
    assert len(events_mock.deliveries(scheduled)) == 60
    assert len(events_mock.deliveries(FUNCTION)) == 20


def test_a_callback_may_wait_on_a_thread_that_calls_the_service(events, events_mock):
    route(events, "orders", FUNCTION)
    described = []

    def waits_on_worker(delivery: Any) -> None:
        described.append(in_thread(lambda: client().describe_rule(Name="orders")["Name"])())

    events_mock.on_target(FUNCTION, waits_on_worker)
    in_thread(lambda: put(events))()
    assert described == ["orders"]
    assert len(events_mock.deliveries(FUNCTION)) == 1
    assert events_mock.failures() == []


def test_a_scheduled_callback_may_wait_on_a_thread_that_calls_the_service(events, events_mock):
    events_mock.clock.freeze()
    every_minute(events, "a", FUNCTION)
    every_minute(events, "b", QUEUE)  # due at the same moment, still waiting while the first runs
    described = []

    def waits_on_worker(delivery: Any) -> None:
        described.append(in_thread(lambda: client().describe_rule(Name="a")["State"])())

    events_mock.on_target(FUNCTION, waits_on_worker)
    in_thread(lambda: events_mock.clock.advance(minutes=2))()
    assert described == ["ENABLED", "ENABLED"]
    assert [d.target_arn for d in events_mock.deliveries()] == [FUNCTION, QUEUE, FUNCTION, QUEUE]


def test_a_failing_callback_retried_may_wait_on_a_thread_each_attempt(events, events_mock):
    route(events, "orders", FUNCTION, RetryPolicy={"MaximumRetryAttempts": 2}, DeadLetterConfig={"Arn": DLQ})
    attempts = []

    def down(delivery: Any) -> None:
        attempts.append(in_thread(lambda: len(client().list_targets_by_rule(Rule="orders")["Targets"]))())
        raise ConnectionError("target down")

    events_mock.on_target(FUNCTION, down)
    events_mock.on_target(DLQ, lambda d: in_thread(lambda: client().list_rules())())
    in_thread(lambda: put(events))()
    assert attempts == [1, 1, 1]
    assert [f.outcome for f in events_mock.failures()] == ["retried", "retried", "dead-lettered"]
    assert [d.target_arn for d in events_mock.deliveries()] == [DLQ]


def test_a_callback_may_put_events_whose_deliveries_happen_within_it(events, events_mock):
    route(events, "orders", FUNCTION)
    route(events, "shipping", QUEUE, '{"source":["shipping"]}')
    order = []

    def ships(delivery: Any) -> None:
        order.append("callback starts")
        put(client(), "shipping")
        order.append(f"callback sees {len(events_mock.deliveries(QUEUE))} shipment")

    events_mock.on_target(FUNCTION, ships)
    in_thread(lambda: put(events))()
    assert order == ["callback starts", "callback sees 1 shipment"]
    assert [d.target_arn for d in events_mock.deliveries()] == [QUEUE, FUNCTION]


def test_a_callback_sees_the_deliveries_made_before_its_own(events, events_mock):
    events.put_rule(Name="orders", EventPattern='{"source":["orders"]}')
    events.put_targets(Rule="orders", Targets=[{"Id": "q", "Arn": QUEUE}, {"Id": "f", "Arn": FUNCTION}])
    other = "arn:aws:sqs:us-east-1:123456789012:after"
    route(events, "later", other)
    seen = []
    events_mock.on_target(FUNCTION, lambda d: seen.append([x.target_arn for x in events_mock.deliveries()]))
    in_thread(lambda: put(events))()
    assert seen == [[QUEUE]]
    assert [d.target_arn for d in events_mock.deliveries()] == [QUEUE, FUNCTION, other]


def test_failures_are_recorded_in_the_order_of_the_entries(events, events_mock):
    route(events, "orders", FUNCTION, RetryPolicy={"MaximumRetryAttempts": 0})
    events_mock.on_target(FUNCTION, lambda d: 1 / 0)
    events.put_events(Entries=[
        {"Source": "orders", "DetailType": "x", "Detail": "{}"},
        {"Source": "orders", "DetailType": "x", "Detail": "{}", "EventBusName": "ghost"},
    ])
    assert [f.target_arn.rsplit(":", 1)[1] for f in events_mock.failures()] == ["handler", "event-bus/ghost"]


def test_another_thread_is_answered_while_a_callback_runs(events, events_mock):
    route(events, "orders", FUNCTION)
    route(events, "shipping", QUEUE, '{"source":["shipping"]}')
    inside, answered = threading.Event(), threading.Event()

    def slow(delivery: Any) -> None:
        inside.set()
        assert answered.wait(TIMEOUT), "another thread's call waited for this callback"

    events_mock.on_target(FUNCTION, slow)
    putting = in_thread(lambda: put(events))
    assert inside.wait(TIMEOUT)
    in_thread(lambda: put(client(), "shipping"))()
    answered.set()
    putting()
    assert [d.target_arn for d in events_mock.deliveries()] == [QUEUE, FUNCTION]


def test_events_put_from_many_threads_with_callbacks_are_each_delivered_once(events, events_mock):
    route(events, "orders", FUNCTION)
    route(events, "all", QUEUE)
    calls = []
    lock = threading.Lock()

    shared = client()

    def record(delivery: Any) -> None:
        shared.describe_rule(Name="orders")
        with lock:
            calls.append(delivery.event["detail"]["n"])

    events_mock.on_target(FUNCTION, record)

    def putter(base: int) -> None:
        own = client()
        for n in range(base, base + 25):
            own.put_events(Entries=[{"Source": "orders", "DetailType": "x", "Detail": f'{{"n": {n}}}'}])

    joins = [in_thread(lambda base=base: putter(base)) for base in range(0, 100, 25)]
    for join in joins:
        join()
    assert sorted(calls) == list(range(100))
    assert sorted(d.event["detail"]["n"] for d in events_mock.deliveries(FUNCTION)) == list(range(100))
    assert len(events_mock.deliveries(QUEUE)) == 100


def test_schedules_and_puts_whose_callbacks_call_the_service_interleave_freely(events, events_mock):
    events_mock.clock.freeze()
    events_mock.clock.set(START)
    scheduled = "arn:aws:lambda:us-east-1:123456789012:function:scheduled"
    every_minute(events, "a", scheduled)
    every_minute(events, "b", scheduled)
    route(events, "orders", FUNCTION)
    shared = client()  # botocore clients are thread-safe
    events_mock.on_target(scheduled, lambda d: shared.list_rules())
    events_mock.on_target(FUNCTION, lambda d: (shared.list_rules(), events_mock.deliveries(scheduled)))
    advance = in_thread(lambda: [events_mock.clock.advance(minutes=1) for _ in range(100)])
    putting = in_thread(lambda: [put(shared) for _ in range(100)])
    advance()
    putting()
    assert len(events_mock.deliveries(scheduled)) == 200
    assert len(events_mock.deliveries(FUNCTION)) == 100
    assert events_mock.failures() == []
