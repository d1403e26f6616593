"""Time moved from outside (freezegun, time-machine): reading the handle first runs what became
due. A clock move that would fire a huge number of scheduled events warns first."""

from __future__ import annotations

import warnings
from datetime import datetime, timedelta, timezone

import boto3
import pytest

from mock_events import ClockJumpWarning, Delivery, mock_events

freezegun = pytest.importorskip("freezegun")
time_machine = pytest.importorskip("time_machine")

UTC = timezone.utc
START = datetime(2031, 2, 3, 4, 0, 0, tzinfo=UTC)
QUEUE = "arn:aws:sqs:us-east-1:123456789012:jobs"


def every_five_minutes(events, **target) -> None:
    events.put_rule(Name="job", ScheduleExpression="rate(5 minutes)")
    events.put_targets(Rule="job", Targets=[{"Id": "t", "Arn": QUEUE, **target}])


@pytest.fixture
def events():
    return boto3.client("events", region_name="us-east-1")


def test_freezegun_tick_past_a_schedule_shows_in_deliveries_without_another_call(events):
    with freezegun.freeze_time(START) as frozen, mock_events() as m:
        every_five_minutes(events)
        frozen.tick(timedelta(minutes=11))
        times = [d.json()["time"] for d in m.deliveries()]
    assert times == ["2031-02-03T04:05:00Z", "2031-02-03T04:10:00Z"]


def test_time_machine_shift_past_a_schedule_shows_in_deliveries(events):
    with time_machine.travel(START, tick=False) as traveller, mock_events() as m:
        every_five_minutes(events)
        traveller.shift(timedelta(minutes=5))
        assert len(m.deliveries(QUEUE)) == 1


def test_failures_read_after_a_tick_include_the_due_fires(events):
    with freezegun.freeze_time(START) as frozen, mock_events() as m:
        every_five_minutes(events, RetryPolicy={"MaximumRetryAttempts": 0})
        m.on_target(QUEUE, lambda delivery: 1 / 0)
        frozen.tick(timedelta(minutes=5))
        assert [f.outcome for f in m.failures()] == ["dropped"]


def test_events_read_after_a_tick_include_events_forwarded_to_a_bus(events):
    with freezegun.freeze_time(START) as frozen, mock_events() as m:
        bus = events.create_event_bus(Name="audit")["EventBusArn"]
        events.put_rule(Name="job", ScheduleExpression="rate(5 minutes)")
        events.put_targets(Rule="job", Targets=[{"Id": "bus", "Arn": bus}])
        frozen.tick(timedelta(minutes=5))
        assert [e["detail-type"] for e in m.events("audit")] == ["Scheduled Event"]


def test_snapshot_runs_due_work_first(events):
    seen: list[Delivery] = []
    with freezegun.freeze_time(START) as frozen, mock_events() as m:
        every_five_minutes(events)
        m.on_target(QUEUE, seen.append)
        frozen.tick(timedelta(minutes=5))
        m.snapshot()
        assert len(seen) == 1


def test_a_stopped_mock_runs_nothing_when_read(events):
    with freezegun.freeze_time(START) as frozen:
        with mock_events() as m:
            every_five_minutes(events)
        frozen.tick(timedelta(minutes=30))
        assert m.deliveries() == []


# -- the warning for huge moves ------------------------------------------------------------------


def test_a_move_over_the_threshold_warns_with_the_count_and_the_rule(events):
    with mock_events(fire_warning_threshold=10) as m:
        m.clock.freeze()
        m.clock.set(START)
        every_five_minutes(events)
        with pytest.warns(ClockJumpWarning) as caught:
            m.clock.advance(minutes=60)
        assert len(m.deliveries()) == 12
    assert caught[0].filename == __file__  # the line that moved the clock
    message = str(caught[0].message)
    assert "fires 12 scheduled events" in message
    assert "fire_warning_threshold=10" in message
    assert "rule arn:aws:events:us-east-1:123456789012:rule/job (rate(5 minutes)): 12" in message


def test_the_warning_names_each_rule_responsible_with_its_count(events):
    with mock_events(fire_warning_threshold=100) as m:
        m.clock.freeze()
        m.clock.set(START)
        every_five_minutes(events)
        events.put_rule(Name="hourly", ScheduleExpression="cron(0 * * * ? *)")
        events.put_targets(Rule="hourly", Targets=[{"Id": "t", "Arn": QUEUE}])
        with pytest.warns(ClockJumpWarning) as caught:
            m.clock.advance(hours=24)
    message = str(caught[0].message)
    assert "fires 312 scheduled events" in message
    assert message.index("rule/job (rate(5 minutes)): 288") < message.index("rule/hourly (cron(0 * * * ? *)): 24")


def test_a_move_at_the_threshold_does_not_warn(events):
    with mock_events(fire_warning_threshold=12) as m:
        m.clock.freeze()
        m.clock.set(START)
        every_five_minutes(events)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            m.clock.advance(minutes=60)


def test_the_test_can_change_or_remove_the_threshold_on_the_clock(events):
    with mock_events() as m:
        m.clock.freeze()
        m.clock.set(START)
        every_five_minutes(events)
        m.clock.fire_warning_threshold = 2
        with pytest.warns(ClockJumpWarning):
            m.clock.advance(minutes=15)
        m.clock.fire_warning_threshold = None
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            m.clock.advance(minutes=15)
        assert len(m.deliveries()) == 6


def test_a_years_jump_raised_as_an_error_fires_nothing_and_leaves_the_clock(events):
    """The warning comes before anything fires: made an error, it stops the move cheaply."""
    with mock_events() as m:
        m.clock.freeze()
        m.clock.set(START)
        events.put_rule(Name="minutely", ScheduleExpression="rate(1 minute)")
        events.put_targets(Rule="minutely", Targets=[{"Id": "t", "Arn": QUEUE}])
        with warnings.catch_warnings():
            warnings.simplefilter("error", ClockJumpWarning)
            with pytest.raises(ClockJumpWarning, match="fires 525,600 scheduled events"):
                m.clock.advance(days=365)
        assert m.clock.now() == START
        assert m.deliveries() == []


def test_freezegun_jump_of_years_warns_when_the_handle_is_read(events):
    with freezegun.freeze_time(START) as frozen, mock_events() as m:
        events.put_rule(Name="daily", ScheduleExpression="cron(0 12 * * ? *)")
        events.put_targets(Rule="daily", Targets=[{"Id": "t", "Arn": QUEUE}])
        m.clock.fire_warning_threshold = 1000
        frozen.tick(timedelta(days=3 * 365))
        with pytest.warns(ClockJumpWarning, match="fires 1,095 scheduled events") as caught:
            deliveries = m.deliveries()
        assert caught[0].filename == __file__
        assert len(deliveries) == 1095


# -- reading the handle from callbacks and threads --------------------------------------------------


def test_a_callback_may_read_the_handle_while_the_clock_runs(events):
    seen: list[int] = []
    with mock_events() as m:
        m.clock.freeze()
        m.clock.set(START)
        every_five_minutes(events)
        m.on_target(QUEUE, lambda delivery: seen.append(len(m.deliveries())))
        m.clock.advance(minutes=15)
    assert seen == [0, 1, 2]


def test_a_thread_started_by_a_callback_may_read_the_handle(events):
    import threading

    counts: list[int] = []

    def callback(delivery: Delivery) -> None:
        reader = threading.Thread(target=lambda: counts.append(len(m.failures())))
        reader.start()
        reader.join(timeout=10)
        assert not reader.is_alive(), "reading the handle from another thread hung"

    with freezegun.freeze_time(START) as frozen, mock_events() as m:
        every_five_minutes(events)
        events.put_rule(Name="twin", ScheduleExpression="rate(5 minutes)")
        events.put_targets(Rule="twin", Targets=[{"Id": "t", "Arn": QUEUE}])
        m.on_target(QUEUE, callback)
        frozen.tick(timedelta(minutes=5))
        assert len(m.deliveries()) == 2
    assert counts == [0, 0]


def test_a_callback_run_by_reading_the_handle_may_wait_on_a_thread_calling_the_service(events):
    import threading

    answers: list[int] = []

    def callback(delivery: Delivery) -> None:
        def put() -> None:
            client = boto3.client("events", region_name="us-east-1")
            answers.append(client.put_events(Entries=[{"Source": "s", "DetailType": "d", "Detail": "{}"}])["FailedEntryCount"])

        worker = threading.Thread(target=put)
        worker.start()
        worker.join(timeout=10)
        assert not worker.is_alive(), "the service did not answer another thread while a callback ran"

    with freezegun.freeze_time(START) as frozen, mock_events() as m:
        every_five_minutes(events)
        m.on_target(QUEUE, callback)
        frozen.tick(timedelta(minutes=5))
        assert len(m.deliveries(QUEUE)) == 1
        assert len(m.events()) == 1
    assert answers == [0]
