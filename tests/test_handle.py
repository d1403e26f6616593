"""The test's handle: found with current_mock(), warned about when shadowed, readable in repr."""

from __future__ import annotations

import unittest
import warnings
from datetime import datetime, timezone

import boto3
import pytest

import mock_events as package
from mock_events import Delivery, EventsMock, Failure, ShadowedMockWarning, current_mock, mock_events

QUEUE = "arn:aws:sqs:us-east-1:123456789012:orders"
ENTRY = {"Source": "shop", "DetailType": "OrderPlaced", "Detail": '{"id": 7}'}
MOMENT = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def route_orders(events) -> None:
    events.put_rule(Name="orders", EventPattern='{"source": ["shop"]}')
    events.put_targets(Rule="orders", Targets=[{"Id": "q", "Arn": QUEUE}])


# -- current_mock --------------------------------------------------------------------------------


def test_current_mock_is_the_mock_answering_calls():
    with mock_events() as m:
        assert current_mock() is m
        assert mock_events.current_mock() is m
        assert package.current_mock() is m


def test_current_mock_is_the_innermost_of_nested_mocks():
    with mock_events() as outer:
        with mock_events() as inner:
            assert current_mock() is inner
        assert current_mock() is outer


def test_current_mock_without_an_active_mock_raises_runtime_error():
    with pytest.raises(RuntimeError, match="no mock_events mock is active"):
        current_mock()


@mock_events
def test_decorated_test_reads_its_deliveries_through_current_mock():
    events = boto3.client("events", region_name="us-east-1")
    route_orders(events)
    events.put_events(Entries=[ENTRY])
    assert current_mock().deliveries(QUEUE)[0].json()["detail"] == {"id": 7}


@mock_events
class TestDecoratedClass(unittest.TestCase):
    def test_finds_its_mock(self) -> None:
        boto3.client("events", region_name="us-east-1").put_events(Entries=[ENTRY])
        self.assertEqual(len(current_mock().events()), 1)


# -- shadowed mocks --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "read",
    [
        lambda m: m.deliveries(),
        lambda m: m.failures(),
        lambda m: m.events(),
        lambda m: m.snapshot(),
        lambda m: m.on_target(QUEUE, lambda delivery: None),
    ],
    ids=["deliveries", "failures", "events", "snapshot", "on_target"],
)
def test_reading_a_shadowed_mock_warns(read):
    with mock_events() as outer, mock_events():
        with pytest.warns(ShadowedMockWarning, match="answers the calls") as caught:
            read(outer)
    assert caught[0].filename == __file__  # the line that read the shadowed mock


def test_shadowed_mock_warning_is_a_user_warning():
    assert issubclass(ShadowedMockWarning, UserWarning)


def test_the_fixture_shadowed_by_a_decorator_warns(events_mock):
    @mock_events
    def decorated() -> None:
        boto3.client("events", region_name="us-east-1").put_events(Entries=[ENTRY])
        with pytest.warns(ShadowedMockWarning):
            assert events_mock.events() == []
        assert len(current_mock().events()) == 1

    decorated()


def test_reading_the_answering_mock_or_a_stopped_one_does_not_warn():
    with mock_events() as outer:
        with mock_events() as inner, warnings.catch_warnings():
            warnings.simplefilter("error")
            inner.deliveries()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            outer.deliveries()
            inner.deliveries()


def test_on_target_refuses_an_async_callback(events_mock):
    async def callback(delivery: Delivery) -> None:
        pass

    with pytest.raises(TypeError, match="synchronously"):
        events_mock.on_target(QUEUE, callback)


# -- reprs -------------------------------------------------------------------------------------------


def test_repr_of_an_active_mock_gives_region_account_and_counts(events):
    route_orders(events)
    events.put_events(Entries=[ENTRY])
    assert repr(current_mock()) == (
        "<EventsMock active region=us-east-1 account=123456789012: "
        "1 bus, 1 rule, 1 target; 1 event, 1 delivery, 0 failures>"
    )


def test_repr_of_a_stopped_mock_says_inactive():
    m = mock_events(region="eu-west-1", account_id="111122223333")
    assert repr(m).startswith("<EventsMock inactive region=eu-west-1 account=111122223333: 0 buses")


def test_a_mock_whose_options_were_refused_has_a_repr_for_the_traceback():
    """pytest's traceback of a refused option shows the half-made mock (``self = ...``)."""
    with pytest.raises(ValueError, match="replay_mode") as refused:
        mock_events(replay_mode="later")
    half_made = next(entry.locals["self"] for entry in refused.traceback
                     if isinstance(entry.locals.get("self"), EventsMock))
    assert repr(half_made) == "<EventsMock not constructed>"


def test_repr_of_the_clock_gives_time_and_whether_frozen(events_mock):
    events_mock.clock.freeze()
    events_mock.clock.set(MOMENT)
    assert repr(events_mock.clock) == "<Clock 2030-01-02T03:04:05+00:00 frozen, 0 timers pending>"
    events_mock.clock.unfreeze()
    assert " running, " in repr(events_mock.clock)


def test_delivery_repr_is_short_with_target_rule_time_attempt_and_cut_payload(events, events_mock):
    events_mock.clock.freeze()
    events_mock.clock.set(MOMENT)
    route_orders(events)
    events.put_events(Entries=[dict(ENTRY, Detail='{"text": "' + "x" * 500 + '"}')])
    text = repr(events_mock.deliveries()[0])
    assert text.startswith(
        f"Delivery(target='{QUEUE}', rule='orders', time='2030-01-02T03:04:05Z', attempt=1, "
        "payload='{\"version\":\"0\""
    )
    assert "…')" in text and len(text) < 250
    assert "xxxxxxxxxx" not in text


def test_failure_repr_is_short(events, events_mock):
    route_orders(events)
    events.put_targets(
        Rule="orders", Targets=[{"Id": "q", "Arn": QUEUE, "RetryPolicy": {"MaximumRetryAttempts": 0}}]
    )

    def fail(delivery: Delivery) -> None:
        raise ConnectionError("queue unavailable " + "y" * 300)

    events_mock.on_target(QUEUE, fail)
    events.put_events(Entries=[ENTRY])
    [failure] = events_mock.failures()
    text = repr(failure)
    assert text.startswith(f"Failure(target='{QUEUE}', rule='orders', time=")
    assert "attempt=1, outcome='dropped', error='ConnectionError: queue unavailable" in text
    assert len(text) < 300


# -- cap_logs ----------------------------------------------------------------------------------------


def test_cap_logs_trims_what_the_logs_already_hold_to_the_newest_at_once(events, events_mock):
    route_orders(events)
    events.put_targets(Rule="orders", Targets=[{"Id": "q", "Arn": QUEUE, "RetryPolicy": {"MaximumRetryAttempts": 0}}])
    events.put_events(Entries=[{**ENTRY, "Detail": f'{{"id": {i}}}'} for i in range(5)])
    events_mock.on_target(QUEUE, lambda delivery: 1 / 0)
    events.put_events(Entries=[{**ENTRY, "Detail": f'{{"id": {i}}}'} for i in range(5, 10)])
    events.put_events(Entries=[{"Source": "nobody", "DetailType": "x", "Detail": "{}"}] * 3)
    events_mock.cap_logs(2)
    assert [d.json()["detail"]["id"] for d in events_mock.deliveries()] == [3, 4]
    assert [f.event["detail"]["id"] for f in events_mock.failures()] == [8, 9]
    assert [e["source"] for e in events_mock.events()] == ["nobody", "nobody"]
    reasons = [u.reason for u in events_mock.undelivered()]
    assert reasons.count("No rule of the bus matched the event.") == 2 and len(reasons) == 4  # + 2 dropped


@pytest.mark.parametrize("limit", [-1, 2.5, "10"])
def test_cap_logs_refuses_a_limit_that_is_not_a_count_and_keeps_the_logs(events, events_mock, limit):
    events.put_events(Entries=[ENTRY] * 3)
    with pytest.raises(ValueError, match=f"cap_logs limit must be None or an int of at least 0, not {limit!r}"):
        events_mock.cap_logs(limit)
    events.put_events(Entries=[ENTRY] * 3)
    assert len(events_mock.events()) == 6


# -- retries with the default policy ---------------------------------------------------------------


def test_default_retry_policy_makes_185_retries_so_186_failure_records(events, events_mock):
    """AWS: "By default, EventBridge retries sending the event for 24 hours and up to 185 times"
    (EventBridge User Guide, eb-rule-retry-policy): one attempt and 185 retries."""
    route_orders(events)
    events_mock.on_target(QUEUE, lambda delivery: 1 / 0)
    events.put_events(Entries=[ENTRY])
    failures = events_mock.failures(QUEUE)
    assert len(failures) == 186
    assert [f.outcome for f in failures] == ["retried"] * 185 + ["dropped"]
    assert [f.attempt for f in failures] == list(range(1, 187))


# -- an event put on a bus that does not exist -------------------------------------------------------


def test_event_on_a_missing_bus_is_accepted_and_its_drop_is_a_failure(events, events_mock):
    answer = events.put_events(Entries=[dict(ENTRY, EventBusName="nowhere")])
    assert answer["FailedEntryCount"] == 0
    event_id = answer["Entries"][0]["EventId"]
    bus_arn = "arn:aws:events:us-east-1:123456789012:event-bus/nowhere"
    [failure] = events_mock.failures(bus_arn)
    assert isinstance(failure, Failure)
    assert (failure.outcome, failure.error, failure.attempt) == ("dropped", "Event bus nowhere does not exist.", 1)
    assert (failure.rule_arn, failure.target_id) == (None, None)
    assert failure.event["id"] == event_id and failure.event["detail"] == {"id": 7}
    assert events_mock.events() == [] and events_mock.deliveries() == []


def test_event_on_a_missing_bus_named_by_arn_in_another_region_is_a_failure_there(events, events_mock):
    bus_arn = "arn:aws:events:eu-west-1:123456789012:event-bus/gone"
    events.put_events(Entries=[dict(ENTRY, EventBusName=bus_arn)])
    [failure] = events_mock.failures()
    assert failure.target_arn == bus_arn
    assert failure.event["region"] == "eu-west-1"


def test_entries_on_existing_and_missing_buses_each_go_their_way(events, events_mock):
    route_orders(events)
    events.put_events(Entries=[ENTRY, dict(ENTRY, EventBusName="nowhere"), ENTRY])
    assert len(events_mock.deliveries(QUEUE)) == 2
    assert [f.target_arn.rsplit("/", 1)[1] for f in events_mock.failures()] == ["nowhere"]


def test_event_on_a_missing_bus_is_listed_as_undelivered_with_its_reason(events, events_mock):
    events.put_events(Entries=[dict(ENTRY, EventBusName="nowhere")])
    [missed] = events_mock.undelivered()
    assert missed.bus_arn == "arn:aws:events:us-east-1:123456789012:event-bus/nowhere"
    assert missed.reason == "Event bus nowhere does not exist."
    assert (missed.rule_arn, missed.target_arn) == (None, None)
