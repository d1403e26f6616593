"""Unit tests for mock_events.clock."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from mock_events import clock as clock_module
from mock_events.clock import Clock, Timer

UTC = timezone.utc
START = datetime(2024, 1, 1, tzinfo=UTC)
SLACK = timedelta(seconds=5)  # real time that may pass during a test on a running clock


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def clock() -> Clock:
    """A clock frozen at START."""
    c = Clock()
    c.freeze()
    c.set(START)
    return c


def recorder(clock: Clock, log: list[tuple[str, datetime, datetime]], name: str):  # noqa: ANN201
    def callback(due: datetime) -> None:
        log.append((name, due, clock.now()))
    return callback


# -- reading ---------------------------------------------------------------------------------

def test_now_is_tz_aware_utc() -> None:
    assert Clock().now().tzinfo == UTC


def test_follows_real_time_when_not_frozen() -> None:
    c = Clock()
    before = datetime.now(UTC)
    now = c.now()
    after = datetime.now(UTC)
    assert before <= now <= after


def test_new_clock_is_not_frozen() -> None:
    assert Clock().frozen is False


def test_reads_datetime_now_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # What freezegun and time-machine rely on: the clock asks datetime.now() on every read.
    class FixedDatetime(datetime):
        @classmethod
        def now(cls, tz=None):  # noqa: ANN001, ANN206
            return datetime(2030, 5, 5, tzinfo=tz)

    c = Clock()
    monkeypatch.setattr(clock_module, "datetime", FixedDatetime)
    assert c.now() == utc(2030, 5, 5)


def test_follows_freezegun() -> None:
    freezegun = pytest.importorskip("freezegun")
    with freezegun.freeze_time("2031-02-03 04:05:06"):
        assert Clock().now() == utc(2031, 2, 3, 4, 5, 6)


# -- freeze / unfreeze -------------------------------------------------------------------------

def test_freeze_stops_time() -> None:
    c = Clock()
    c.freeze()
    first = c.now()
    time.sleep(0.01)
    assert c.now() == first


def test_freeze_sets_frozen() -> None:
    c = Clock()
    c.freeze()
    assert c.frozen is True


def test_unfreeze_runs_on_from_where_it_stopped(clock: Clock) -> None:
    clock.unfreeze()
    time.sleep(0.01)
    now = clock.now()
    assert clock.frozen is False
    assert START < now < START + SLACK


def test_freeze_twice_keeps_the_first_time(clock: Clock) -> None:
    clock.freeze()
    assert clock.now() == START


# -- set ---------------------------------------------------------------------------------------

def test_set_on_frozen_clock_stays_there(clock: Clock) -> None:
    clock.set(utc(2030, 6, 1))
    time.sleep(0.01)
    assert clock.now() == utc(2030, 6, 1)
    assert clock.frozen is True


def test_set_on_running_clock_runs_on_from_there() -> None:
    c = Clock()
    c.set(utc(2030, 6, 1))
    time.sleep(0.01)
    now = c.now()
    assert c.frozen is False
    assert utc(2030, 6, 1) < now < utc(2030, 6, 1) + SLACK


def test_set_takes_naive_datetimes_as_utc(clock: Clock) -> None:
    clock.set(datetime(2030, 6, 1, 12))
    assert clock.now() == utc(2030, 6, 1, 12)
    assert clock.now().tzinfo == UTC


def test_set_converts_other_zones_to_utc(clock: Clock) -> None:
    clock.set(datetime(2030, 6, 1, 12, tzinfo=timezone(timedelta(hours=2))))
    assert clock.now() == utc(2030, 6, 1, 10)
    assert clock.now().tzinfo == UTC


def test_set_can_move_back(clock: Clock) -> None:
    clock.set(utc(2000, 1, 1))
    assert clock.now() == utc(2000, 1, 1)


def test_set_forward_runs_timers_due_by_then(clock: Clock) -> None:
    log: list[tuple[str, datetime, datetime]] = []
    clock.schedule(utc(2024, 1, 2), recorder(clock, log, "a"))
    clock.schedule(utc(2024, 1, 5), recorder(clock, log, "b"))
    clock.set(utc(2024, 1, 3))
    assert [name for name, _, _ in log] == ["a"]


def test_set_back_runs_no_timers(clock: Clock) -> None:
    log: list[tuple[str, datetime, datetime]] = []
    clock.schedule(utc(2023, 12, 31), recorder(clock, log, "overdue"))
    clock.set(utc(2023, 6, 1))
    assert log == []


# -- advance -----------------------------------------------------------------------------------

def test_advance_by_timedelta(clock: Clock) -> None:
    clock.advance(timedelta(hours=1, seconds=30))
    assert clock.now() == START + timedelta(hours=1, seconds=30)


@pytest.mark.parametrize(
    ("unit", "delta"),
    [("seconds", timedelta(seconds=7)), ("minutes", timedelta(minutes=7)),
     ("hours", timedelta(hours=7)), ("days", timedelta(days=7))],
)
def test_advance_by_keyword_unit(clock: Clock, unit: str, delta: timedelta) -> None:
    clock.advance(**{unit: 7})
    assert clock.now() == START + delta


def test_advance_sums_delta_and_keywords(clock: Clock) -> None:
    clock.advance(timedelta(days=1), hours=2, minutes=3, seconds=4)
    assert clock.now() == START + timedelta(days=1, hours=2, minutes=3, seconds=4)


def test_advance_by_nothing_leaves_time_alone(clock: Clock) -> None:
    clock.advance()
    assert clock.now() == START


def test_advance_backwards_is_refused(clock: Clock) -> None:
    with pytest.raises(ValueError):
        clock.advance(seconds=-1)


def test_advance_keeps_a_frozen_clock_frozen(clock: Clock) -> None:
    clock.advance(minutes=5)
    assert clock.frozen is True


def test_advance_on_running_clock_shifts_its_offset_from_real_time() -> None:
    c = Clock()
    c.advance(days=1)
    ahead = c.now() - datetime.now(UTC)
    assert timedelta(days=1) - SLACK < ahead <= timedelta(days=1)
    assert c.frozen is False


# -- timers ------------------------------------------------------------------------------------

def test_schedule_returns_a_timer_with_its_time(clock: Clock) -> None:
    timer = clock.schedule(utc(2024, 1, 2), lambda due: None)
    assert isinstance(timer, Timer)
    assert timer.when == utc(2024, 1, 2)


def test_schedule_takes_naive_datetimes_as_utc(clock: Clock) -> None:
    assert clock.schedule(datetime(2024, 1, 2), lambda due: None).when == utc(2024, 1, 2)


def test_timers_run_in_time_order(clock: Clock) -> None:
    log: list[tuple[str, datetime, datetime]] = []
    clock.schedule(utc(2024, 1, 3), recorder(clock, log, "third"))
    clock.schedule(utc(2024, 1, 1, 0, 1), recorder(clock, log, "first"))
    clock.schedule(utc(2024, 1, 2), recorder(clock, log, "second"))
    clock.advance(days=5)
    assert [name for name, _, _ in log] == ["first", "second", "third"]


def test_timers_at_the_same_time_run_in_registration_order(clock: Clock) -> None:
    log: list[tuple[str, datetime, datetime]] = []
    for name in ["a", "b", "c", "d"]:
        clock.schedule(utc(2024, 1, 2), recorder(clock, log, name))
    clock.advance(days=1)
    assert [name for name, _, _ in log] == ["a", "b", "c", "d"]


def test_callback_receives_its_due_time(clock: Clock) -> None:
    log: list[tuple[str, datetime, datetime]] = []
    clock.schedule(utc(2024, 1, 1, 6), recorder(clock, log, "a"))
    clock.advance(days=1)
    assert log[0][1] == utc(2024, 1, 1, 6)


def test_now_reads_the_due_time_inside_a_callback(clock: Clock) -> None:
    log: list[tuple[str, datetime, datetime]] = []
    clock.schedule(utc(2024, 1, 1, 6), recorder(clock, log, "a"))
    clock.schedule(utc(2024, 1, 1, 9), recorder(clock, log, "b"))
    clock.advance(days=1)
    assert [now for _, _, now in log] == [utc(2024, 1, 1, 6), utc(2024, 1, 1, 9)]


def test_advance_ends_at_the_target_after_running_timers(clock: Clock) -> None:
    clock.schedule(utc(2024, 1, 1, 6), lambda due: None)
    clock.advance(days=1)
    assert clock.now() == utc(2024, 1, 2)


def test_timer_due_exactly_at_the_target_runs(clock: Clock) -> None:
    log: list[tuple[str, datetime, datetime]] = []
    clock.schedule(utc(2024, 1, 2), recorder(clock, log, "a"))
    clock.advance(days=1)
    assert len(log) == 1


def test_timer_after_the_target_waits(clock: Clock) -> None:
    log: list[tuple[str, datetime, datetime]] = []
    clock.schedule(utc(2024, 1, 2, 0, 0, 1), recorder(clock, log, "a"))
    clock.advance(days=1)
    assert log == []
    clock.advance(seconds=1)
    assert len(log) == 1


def test_timer_runs_only_once(clock: Clock) -> None:
    log: list[tuple[str, datetime, datetime]] = []
    clock.schedule(utc(2024, 1, 1, 1), recorder(clock, log, "a"))
    clock.advance(hours=2)
    clock.advance(hours=2)
    assert len(log) == 1


def test_timers_added_by_callbacks_run_when_due_in_the_same_advance(clock: Clock) -> None:
    fired: list[datetime] = []

    def every_hour(due: datetime) -> None:
        fired.append(due)
        clock.schedule(due + timedelta(hours=1), every_hour)

    clock.schedule(utc(2024, 1, 1, 1), every_hour)
    clock.advance(hours=5, minutes=30)
    assert fired == [utc(2024, 1, 1, h) for h in range(1, 6)]


def test_timer_added_by_a_callback_beyond_the_target_waits(clock: Clock) -> None:
    fired: list[datetime] = []

    def every_day(due: datetime) -> None:
        fired.append(due)
        clock.schedule(due + timedelta(days=1), every_day)

    clock.schedule(utc(2024, 1, 1, 12), every_day)
    clock.advance(days=1)
    assert fired == [utc(2024, 1, 1, 12)]


def test_timer_added_by_a_callback_in_the_past_does_not_move_now_back(clock: Clock) -> None:
    log: list[tuple[str, datetime, datetime]] = []

    def first(due: datetime) -> None:
        clock.schedule(utc(2024, 1, 1, 1), recorder(clock, log, "late"))

    clock.schedule(utc(2024, 1, 1, 5), first)
    clock.advance(days=1)
    assert log == [("late", utc(2024, 1, 1, 1), utc(2024, 1, 1, 5))]


def test_cancelled_timer_does_not_run(clock: Clock) -> None:
    log: list[tuple[str, datetime, datetime]] = []
    timer = clock.schedule(utc(2024, 1, 1, 1), recorder(clock, log, "a"))
    timer.cancel()
    clock.advance(days=1)
    assert log == [] and timer.cancelled


def test_callback_can_cancel_a_later_timer(clock: Clock) -> None:
    log: list[tuple[str, datetime, datetime]] = []
    later = clock.schedule(utc(2024, 1, 1, 2), recorder(clock, log, "later"))
    clock.schedule(utc(2024, 1, 1, 1), lambda due: later.cancel())
    clock.advance(days=1)
    assert log == []


def test_cancel_after_running_is_harmless(clock: Clock) -> None:
    timer = clock.schedule(utc(2024, 1, 1, 1), lambda due: None)
    clock.advance(days=1)
    timer.cancel()
    clock.advance(days=1)


def test_advancing_a_year_with_nothing_due_runs_no_callback(clock: Clock) -> None:
    calls: list[datetime] = []
    clock.schedule(utc(2026, 1, 1), calls.append)
    clock.advance(days=366)
    assert calls == []
    assert clock.now() == utc(2025, 1, 1)
    clock.advance(days=365)
    assert calls == [utc(2026, 1, 1)]


def test_advancing_a_year_runs_each_due_timer_once(clock: Clock) -> None:
    calls: list[datetime] = []

    def monthly(due: datetime) -> None:
        calls.append(due)
        clock.schedule(due.replace(month=due.month + 1) if due.month < 12 else due.replace(year=due.year + 1, month=1),
                       monthly)

    clock.schedule(utc(2024, 2, 1), monthly)
    clock.advance(days=366)
    assert calls == [utc(2024, m, 1) for m in range(2, 13)] + [utc(2025, 1, 1)]


def test_callback_error_is_raised_after_the_other_due_timers_ran(clock: Clock) -> None:
    log: list[tuple[str, datetime, datetime]] = []

    def broken(due: datetime) -> None:
        raise KeyError("boom")

    clock.schedule(utc(2024, 1, 1, 1), broken)
    clock.schedule(utc(2024, 1, 1, 2), recorder(clock, log, "after"))
    with pytest.raises(KeyError):
        clock.advance(days=1)
    assert [name for name, _, _ in log] == ["after"]
    assert clock.now() == utc(2024, 1, 2)


def test_a_test_failure_in_a_callback_stops_the_advance_at_its_time(clock: Clock) -> None:
    ran = []

    def fails(due: datetime) -> None:
        ran.append(due)
        assert False, "the test failed"

    clock.schedule(START + timedelta(minutes=1), ran.append)
    clock.schedule(START + timedelta(minutes=2), fails)
    clock.schedule(START + timedelta(minutes=3), ran.append)
    with pytest.raises(AssertionError, match="the test failed"):
        clock.advance(minutes=10)
    assert ran == [START + timedelta(minutes=1), START + timedelta(minutes=2)]
    assert clock.now() == START + timedelta(minutes=2)
    clock.advance(minutes=1)
    assert ran[-1] == START + timedelta(minutes=3)


@pytest.mark.parametrize("outcome", [pytest.fail.Exception, pytest.skip.Exception, KeyboardInterrupt])
def test_a_base_exception_in_a_callback_stops_the_advance(clock: Clock, outcome: type) -> None:
    def raises(due: datetime) -> None:
        raise outcome("stop")

    clock.schedule(START + timedelta(minutes=1), raises)
    with pytest.raises(outcome):
        clock.advance(minutes=10)
    assert clock.now() == START + timedelta(minutes=1)


def test_a_test_failure_caught_up_by_run_due_leaves_a_running_clock_on_real_time() -> None:
    c = Clock()
    c.schedule(c.now() - timedelta(minutes=5), lambda due: pytest.fail("late"))
    before = c.now()
    with pytest.raises(pytest.fail.Exception):
        c.run_due()
    assert c.now() >= before


def test_run_due_returns_at_once_while_another_thread_runs_timers(clock: Clock) -> None:
    inside, release = threading.Event(), threading.Event()
    clock.schedule(START + timedelta(minutes=1), lambda due: (inside.set(), release.wait(10)))
    clock.schedule(START + timedelta(minutes=1), lambda due: None)
    advancing = threading.Thread(target=clock.advance, kwargs={"minutes": 1})
    advancing.start()
    assert inside.wait(10)
    checker = threading.Thread(target=clock.run_due)
    checker.start()
    checker.join(10)
    returned = not checker.is_alive()
    release.set()
    advancing.join(10)
    assert returned


def test_moving_the_clock_from_a_callback_is_refused(clock: Clock) -> None:
    def meddle(due: datetime) -> None:
        clock.advance(hours=1)

    clock.schedule(utc(2024, 1, 1, 1), meddle)
    with pytest.raises(RuntimeError):
        clock.advance(days=1)


# -- run_due -----------------------------------------------------------------------------------

def test_run_due_runs_timers_real_time_has_reached() -> None:
    c = Clock()
    fired: list[datetime] = []
    due = c.now() - timedelta(seconds=1)
    c.schedule(due, fired.append)
    c.run_due()
    assert fired == [due]


def test_run_due_leaves_future_timers(clock: Clock) -> None:
    fired: list[datetime] = []
    clock.schedule(START + timedelta(seconds=1), fired.append)
    clock.run_due()
    assert fired == []


def test_run_due_runs_timers_at_the_frozen_time(clock: Clock) -> None:
    fired: list[datetime] = []
    clock.schedule(START, fired.append)
    clock.run_due()
    assert fired == [START]


def test_run_due_shows_the_due_time_then_returns_to_now() -> None:
    c = Clock()
    seen: list[datetime] = []
    due = c.now() - timedelta(minutes=10)
    c.schedule(due, lambda when: seen.append(c.now()))
    c.run_due()
    assert seen == [due]
    assert c.now() > due + timedelta(minutes=9)


def test_run_due_from_inside_a_callback_runs_nothing_more(clock: Clock) -> None:
    order: list[str] = []

    def outer(due: datetime) -> None:
        order.append("outer")
        clock.run_due()
        order.append("outer done")

    clock.schedule(utc(2024, 1, 1, 1), outer)
    clock.schedule(utc(2024, 1, 1, 2), lambda due: order.append("next"))
    clock.advance(days=1)
    assert order == ["outer", "outer done", "next"]


def test_callbacks_never_run_concurrently() -> None:
    c = Clock()
    c.freeze()
    c.set(START)
    active = 0
    overlaps = 0
    count_lock = threading.Lock()

    def slow(due: datetime) -> None:
        nonlocal active, overlaps
        with count_lock:
            active += 1
            overlaps += active > 1
        time.sleep(0.001)
        with count_lock:
            active -= 1

    for i in range(200):
        c.schedule(START + timedelta(seconds=i), slow)
    threads = [threading.Thread(target=c.advance, kwargs={"seconds": 50 * (n + 1)}) for n in range(4)]
    threads += [threading.Thread(target=c.run_due) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == 0


# -- listeners ---------------------------------------------------------------------------------

def test_listener_gets_old_and_new_time_on_advance(clock: Clock) -> None:
    calls: list[tuple[datetime, datetime]] = []
    clock.add_listener(lambda old, new: calls.append((old, new)))
    clock.advance(hours=1)
    assert calls == [(START, START + timedelta(hours=1))]


def test_listener_gets_old_and_new_time_on_set(clock: Clock) -> None:
    calls: list[tuple[datetime, datetime]] = []
    clock.add_listener(lambda old, new: calls.append((old, new)))
    clock.set(utc(2023, 1, 1))
    assert calls == [(START, utc(2023, 1, 1))]


def test_listener_runs_after_due_timers(clock: Clock) -> None:
    order: list[str] = []
    clock.schedule(utc(2024, 1, 1, 1), lambda due: order.append("timer"))
    clock.add_listener(lambda old, new: order.append("listener"))
    clock.advance(days=1)
    assert order == ["timer", "listener"]


def test_removed_listener_is_not_called(clock: Clock) -> None:
    calls: list[tuple[datetime, datetime]] = []

    def listener(old: datetime, new: datetime) -> None:
        calls.append((old, new))

    clock.add_listener(listener)
    clock.remove_listener(listener)
    clock.advance(hours=1)
    assert calls == []


def _run(work):  # what Backend.run does, without a backend: work() and its result
    return work()


def test_a_timer_slot_runs_its_callback_once_when_due_and_is_empty_while_it_runs(clock: Clock) -> None:
    slot = clock_module.TimerSlot()
    seen: list[tuple[datetime, bool]] = []
    slot.arm(clock, START + timedelta(minutes=1), lambda due: seen.append((due, slot.armed)), run=_run)
    assert slot.armed
    clock.advance(minutes=5)
    assert seen == [(START + timedelta(minutes=1), False)]
    assert not slot.armed


def test_arming_a_timer_slot_again_replaces_its_timer(clock: Clock) -> None:
    slot = clock_module.TimerSlot()
    seen: list[str] = []
    slot.arm(clock, START + timedelta(minutes=1), lambda due: seen.append("first"), run=_run)
    slot.arm(clock, START + timedelta(minutes=2), lambda due: seen.append("second"), run=_run)
    clock.advance(minutes=5)
    assert seen == ["second"]


def test_a_timer_replaced_after_it_became_due_does_nothing_when_it_runs(clock: Clock) -> None:
    slot = clock_module.TimerSlot()
    seen: list[str] = []
    captured: list = []
    slot.arm(clock, START + timedelta(minutes=1), lambda due: seen.append("stale"), run=lambda work: captured.append(work))
    clock.advance(minutes=2)  # due: its work is handed to run, which holds it back
    slot.arm(clock, START + timedelta(minutes=10), lambda due: seen.append("current"), run=_run)
    captured[0]()  # the stale timer's work finally runs
    assert seen == []
    assert slot.armed


def test_a_cancelled_timer_slot_runs_nothing(clock: Clock) -> None:
    slot = clock_module.TimerSlot()
    seen: list[str] = []
    slot.arm(clock, START + timedelta(minutes=1), lambda due: seen.append("fired"), run=_run)
    slot.cancel()
    clock.advance(minutes=5)
    assert seen == [] and not slot.armed


@pytest.mark.parametrize(
    ("units", "message"),
    [
        ({"seconds": float("nan")}, "seconds=nan"),
        ({"days": float("nan"), "hours": 1}, "days=nan"),
        ({"minutes": -float("inf")}, "negative amount"),
        ({"days": float("inf")}, "past the year 9999"),
        ({"seconds": 10**400}, "past the year 9999"),
        ({"seconds": -(10**400)}, "negative amount"),
    ],
)
def test_advance_by_a_step_that_is_no_finite_number_is_refused_and_changes_nothing(
        clock: Clock, units: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        clock.advance(**units)
    assert clock.now() == START
