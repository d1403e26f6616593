"""The clock through the handle: what the mock stamps on resources and events follows m.clock."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

UTC = timezone.utc
START = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
QUEUE = "arn:aws:sqs:us-east-1:123456789012:q"


@pytest.fixture
def m(events_mock):  # noqa: ANN001, ANN201
    events_mock.clock.freeze()
    events_mock.clock.set(START)
    return events_mock


def test_handle_clock_is_the_backend_clock(events_mock):
    assert events_mock.clock is events_mock._backend.clock


def test_set_time_stamps_new_buses(events, m):
    events.create_event_bus(Name="b")
    assert events.describe_event_bus(Name="b")["CreationTime"] == START


def test_advance_keyword_units_move_creation_times(events, m):
    m.clock.advance(days=1, hours=2, minutes=3, seconds=4)
    events.create_event_bus(Name="b")
    assert events.describe_event_bus(Name="b")["CreationTime"] == START + timedelta(days=1, hours=2, minutes=3, seconds=4)


def test_advance_by_timedelta(events, m):
    m.clock.advance(timedelta(minutes=10))
    assert m.clock.now() == START + timedelta(minutes=10)


def test_event_without_time_gets_the_mock_time(events, m):
    events.put_rule(Name="r", EventPattern='{"source":["s"]}')
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": QUEUE}])
    m.clock.advance(minutes=1)
    events.put_events(Entries=[{"Source": "s", "DetailType": "d", "Detail": "{}"}])
    assert m.deliveries()[0].json()["time"] == "2030-01-02T03:05:05Z"


def test_frozen_clock_stays_between_calls(events, m):
    events.list_rules()
    assert m.clock.now() == START


def test_running_clock_runs_on_from_a_set_time(events_mock):
    events_mock.clock.set(START)
    assert START <= events_mock.clock.now() < START + timedelta(seconds=5)
    assert not events_mock.clock.frozen


def test_reset_gives_a_fresh_clock(events_mock):
    events_mock.clock.freeze()
    events_mock.clock.set(START)
    events_mock.reset()
    assert not events_mock.clock.frozen
    assert events_mock.clock.now() != START


def test_each_activation_starts_with_real_time():
    from mock_events import mock_events

    mock = mock_events()
    with mock:
        mock.clock.freeze()
        mock.clock.set(START)
    with mock:
        assert abs(mock.clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_follows_freezegun_through_the_api(events):
    freezegun = pytest.importorskip("freezegun")
    with freezegun.freeze_time("2031-02-03 04:05:06"):
        events.create_event_bus(Name="b")
        created = events.describe_event_bus(Name="b")["CreationTime"]
    assert created == datetime(2031, 2, 3, 4, 5, 6, tzinfo=UTC)


def test_follows_time_machine_through_the_api(events):
    time_machine = pytest.importorskip("time_machine")
    with time_machine.travel(datetime(2031, 2, 3, 4, 5, 6, tzinfo=UTC), tick=False):
        events.create_event_bus(Name="b")
        created = events.describe_event_bus(Name="b")["CreationTime"]
    assert created == datetime(2031, 2, 3, 4, 5, 6, tzinfo=UTC)


def test_advance_runs_due_things_in_time_order(events, m):
    events.put_rule(Name="hourly", ScheduleExpression="rate(1 hour)")
    events.put_targets(Rule="hourly", Targets=[{"Id": "t", "Arn": QUEUE + "-hourly"}])
    events.put_rule(Name="half", ScheduleExpression="rate(30 minutes)")
    events.put_targets(Rule="half", Targets=[{"Id": "t", "Arn": QUEUE + "-half"}])
    m.clock.advance(hours=2)
    order = [(d.time - START, d.target_arn.rsplit("-", 1)[1]) for d in m.deliveries()]
    assert [t for t, _ in order] == sorted(t for t, _ in order)
    assert len(order) == 6


def test_a_year_with_nothing_due_returns_at_once(events, m):
    import time

    events.put_rule(Name="r", ScheduleExpression="cron(0 0 1 1 ? 2099)")
    began = time.perf_counter()
    m.clock.advance(days=365)
    assert time.perf_counter() - began < 0.5


def test_moving_back_runs_nothing(events, m):
    events.put_rule(Name="r", ScheduleExpression="rate(1 minute)")
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": QUEUE}])
    m.clock.set(START - timedelta(hours=1))
    assert m.deliveries() == []
    m.clock.set(START + timedelta(minutes=1))
    assert len(m.deliveries()) == 1
