"""The mock's controllable clock, and the timers that run as it passes their due time."""

from __future__ import annotations

import heapq
import itertools
import os
import sys
import threading
import warnings
from datetime import datetime, timedelta, timezone
from typing import Callable

from . import timestamps
from .errors import MockMisuseError, is_test_failure
from .timestamps import format_time  # noqa: F401 - an event's time, where delivery reads it

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
"""How an event's ``time`` reads: UTC, to the second."""



__all__ = ["DEFAULT_FIRE_WARNING_THRESHOLD", "Clock", "ClockJumpWarning", "Timer"]

Listener = Callable[[datetime, datetime], None]
CountUntil = Callable[[datetime], int]

DEFAULT_FIRE_WARNING_THRESHOLD = 10_000
"""A clock move that runs more timer fires than this warns first (``ClockJumpWarning``)."""


class ClockJumpWarning(UserWarning):
    """A clock move is about to run more timer fires (scheduled events) than the threshold."""


def caller_stacklevel() -> int:
    """The ``warnings.warn`` stacklevel, for the function calling this, of the first frame outside
    this package: a warning then names the line of the test that read or moved the mock."""
    frame = sys._getframe(1)
    level = 1
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
        level += 1
    return level


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:
        raise ValueError(f"{moment} is outside the years 1 to 9999 in UTC") from None


def _running(offset: timedelta) -> datetime:
    """Real time moved by ``offset``, held at the ends of the calendar (a clock set to its last
    second stays there instead of failing a second later)."""
    try:
        return datetime.now(timezone.utc) + offset if offset else datetime.now(timezone.utc)
    except OverflowError:
        return timestamps.LATEST if offset > timedelta(0) else timestamps.EARLIEST


def _real_now() -> datetime:
    return datetime.now(timezone.utc)


class Timer:
    """A callback registered to run once when the clock reaches `when`."""

    __slots__ = ("_cancelled", "callback", "count_until", "label", "when")

    def __init__(
        self,
        when: datetime,
        callback: Callable[[datetime], None],
        label: str | None = None,
        count_until: CountUntil | None = None,
    ) -> None:
        self.when = when
        self.callback = callback
        self.label = label
        """What the timer is for, named in a ``ClockJumpWarning``."""
        self.count_until = count_until
        """How often this timer and those it re-arms fire up to a moment (else once)."""
        self._cancelled = False

    def cancel(self) -> None:
        """Keep the timer from running; harmless if it already ran or was cancelled."""
        self._cancelled = True

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def __repr__(self) -> str:
        state = " cancelled" if self._cancelled else ""
        return f"<Timer {self.when.isoformat()}{state}>"


class TimerSlot:
    """The one timer a resource keeps armed: a scheduled rule's next fire, an archive's next
    expiry, a clock-mode replay's next step.

    Arming replaces the pending timer; a timer that was cancelled or replaced before it ran does
    nothing when it runs (it may already be running in another thread when it is replaced).
    """

    __slots__ = ("_timer",)

    def __init__(self) -> None:
        self._timer: Timer | None = None

    @property
    def armed(self) -> bool:
        return self._timer is not None

    def cancel(self) -> None:
        """Cancel the pending timer, if any."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def arm(
        self,
        clock: Clock,
        when: datetime,
        callback: Callable[[datetime], None],
        *,
        run: Callable[[Callable[[], None]], object],
        label: str | None = None,
        count_until: CountUntil | None = None,
    ) -> None:
        """Replace the pending timer with one that calls ``callback(due)`` at ``when``.

        The callback runs inside ``run`` (the backend's ``run``: under its lock), and only if
        this timer is still the slot's then; the slot is empty while the callback runs, so the
        callback may arm it again.
        """
        self.cancel()

        def due(at: datetime) -> None:
            run(lambda: self._fire(timer, callback, at))

        timer = clock.schedule(when, due, label=label, count_until=count_until)
        self._timer = timer

    def _fire(self, timer: Timer, callback: Callable[[datetime], None], at: datetime) -> None:
        if self._timer is not timer:
            return
        self._timer = None
        callback(at)

    def __repr__(self) -> str:
        return f"<TimerSlot {self._timer!r}>"


class Clock:
    """The time the mock reads. Follows real time (datetime.now(timezone.utc), so freezegun/time-machine
    also apply) until set or frozen.

    ``fire_warning_threshold``: a move of the clock (``set``, ``advance``, or real time moved by
    freezegun or time-machine) that would run more timer fires than this (a schedule of every
    minute across a year fires 525,600 times) first warns with ``ClockJumpWarning``, naming the
    count and the timers (rules) responsible; None never warns.
    """

    def __init__(self, *, fire_warning_threshold: int | None = DEFAULT_FIRE_WARNING_THRESHOLD) -> None:
        self.fire_warning_threshold = fire_warning_threshold
        self._lock = threading.RLock()  # guards the fields below; never held while a callback runs
        self._run_lock = threading.RLock()  # held while timers run, so callbacks never overlap
        # (pinned, frozen_at, offset), replaced whole under _lock so that now() reads it without
        # the lock: pinned is now() while a timer's callback runs; else frozen_at if frozen; else
        # the running time, real now + offset.
        self._state: tuple[datetime | None, datetime | None, timedelta] = (None, None, timedelta(0))
        self._runner: int | None = None  # thread id running timers
        self.timers: list[tuple[datetime, int, Timer]] = []
        """The armed timers, a heap of ``(when, sequence, timer)`` (read-only outside the clock:
        while it is empty, ``run_due`` has nothing to do)."""
        self._seq = itertools.count()
        self._listeners: list[Listener] = []

    # -- reading -----------------------------------------------------------------------------

    def now(self) -> datetime:
        """The current mock time, tz-aware UTC."""
        pinned, frozen_at, offset = self._state
        if pinned is not None:
            return pinned
        if frozen_at is not None:
            return frozen_at
        if not offset:
            return datetime.now(timezone.utc)
        return _running(offset)

    @property
    def _pinned(self) -> datetime | None:
        return self._state[0]

    @_pinned.setter
    def _pinned(self, value: datetime | None) -> None:  # under _lock, as every setter here
        self._state = (value, *self._state[1:])

    @property
    def _frozen_at(self) -> datetime | None:
        return self._state[1]

    @_frozen_at.setter
    def _frozen_at(self, value: datetime | None) -> None:
        pinned, _, offset = self._state
        self._state = (pinned, value, offset)

    @property
    def _offset(self) -> timedelta:
        return self._state[2]

    @_offset.setter
    def _offset(self, value: timedelta) -> None:
        self._state = (*self._state[:2], value)

    @property
    def frozen(self) -> bool:
        with self._lock:
            return self._frozen_at is not None

    # -- moving ------------------------------------------------------------------------------

    def set(self, when: datetime) -> None:
        """Jump to `when` (naive = UTC). A frozen clock stays there, a running one runs on from there.

        Moving forward runs the timers that became due; moving back runs none.
        """
        target = _as_utc(when)
        with self._run_lock:
            self._refuse_inside_callback("set")
            old = self.now()
            errors = self._run_until(target) if target > old else []
            with self._lock:
                self._base(target)
        self._finish(old, target, errors)

    def advance(
        self,
        delta: timedelta | None = None,
        *,
        seconds: float = 0,
        minutes: float = 0,
        hours: float = 0,
        days: float = 0,
    ) -> None:
        """Move time forward by `delta` plus the keyword units, running every timer due on the way.

        Raises ValueError, changing nothing, for a negative step, one that is not a number (NaN) or
        one past the year 9999.
        """
        units = {"seconds": seconds, "minutes": minutes, "hours": hours, "days": days}
        for unit, amount in units.items():
            if amount != amount:  # NaN: timedelta's own error names no unit
                raise ValueError(f"cannot advance the clock by {unit}={amount}")
        try:
            step = (delta or timedelta(0)) + timedelta(**units)
        except OverflowError:  # a step no timedelta holds (an infinity included)
            if all(amount <= 0 for amount in units.values()):
                raise ValueError("cannot advance the clock by a negative amount") from None
            raise ValueError("cannot advance the clock past the year 9999") from None
        if step < timedelta(0):
            raise ValueError(f"cannot advance the clock by a negative amount ({step})")
        with self._run_lock:
            self._refuse_inside_callback("advance")
            old = self.now()
            target = timestamps.later(old, step)
            if target is None:
                raise ValueError(f"cannot advance the clock past the year 9999 (it is {old}, the step {step})")
            errors = self._run_until(target)
            with self._lock:
                if self._frozen_at is not None:
                    self._frozen_at = target
                else:
                    self._offset += step  # real time that passed meanwhile still counts
                self._pinned = None
        self._finish(old, target, errors)

    def freeze(self) -> None:
        """Stop where it is."""
        with self._lock:
            if self._frozen_at is None:
                self._frozen_at = self.now()

    def unfreeze(self) -> None:
        """Run on from where it is."""
        with self._lock:
            if self._frozen_at is not None:
                self._offset = self._frozen_at - _real_now()
                self._frozen_at = None

    def _base(self, target: datetime) -> None:
        if self._frozen_at is not None:
            self._frozen_at = target
        else:
            self._offset = target - _real_now()
        self._pinned = None

    def _refuse_inside_callback(self, what: str) -> None:
        if self._runner == threading.get_ident():
            raise MockMisuseError(f"cannot {what} the clock from inside a timer callback")

    # -- timers ------------------------------------------------------------------------------

    def schedule(
        self,
        when: datetime,
        callback: Callable[[datetime], None],
        *,
        label: str | None = None,
        count_until: CountUntil | None = None,
    ) -> Timer:
        """Run `callback(when)` once the clock reaches `when` (naive = UTC).

        `label` and `count_until` (fires up to a moment, counting the timers the callback re-arms)
        serve the warning of a clock move that runs too many fires.
        """
        timer = Timer(_as_utc(when), callback, label, count_until)
        with self._lock:
            heapq.heappush(self.timers, (timer.when, next(self._seq), timer))
        return timer

    def run_due(self) -> None:
        """Run the timers that real time has made due; cheap when none are.

        Returns at once when timers are already running, in this thread (called from a
        callback) or in another (whose callback may be waiting on this one): that run picks
        up whatever is due.
        """
        if not self.timers:  # no timer at all (one armed meanwhile is as if armed just after)
            return
        with self._lock:
            if not self._has_due(self.now()):
                return
        if not self._run_lock.acquire(blocking=False):
            return
        try:
            if self._runner == threading.get_ident():
                return
            errors = self._run_until(None)
            with self._lock:
                self._pinned = None
        finally:
            self._run_lock.release()
        self._raise_first(errors)

    def _has_due(self, limit: datetime) -> bool:
        heap = self.timers
        while heap and heap[0][2].cancelled:
            heapq.heappop(heap)
        return bool(heap) and heap[0][0] <= limit

    def _run_until(self, target: datetime | None) -> list[BaseException]:
        """Run due timers in time order, up to `target` (None: up to the running now). Holds _run_lock.

        A timer raising an error is reported after the other due timers ran; a timer raising a
        test failure (``errors.is_test_failure``) stops the run at once, the clock left at its time.
        """
        errors: list[BaseException] = []
        self._warn_if_many_due(target)
        self._runner = threading.get_ident()
        try:
            while True:
                with self._lock:
                    limit = target if target is not None else self._unpinned_now()
                    if not self._has_due(limit):
                        return errors
                    _, _, timer = heapq.heappop(self.timers)
                    # now() never steps back within one run, even for a timer added in the past.
                    if self._pinned is None or timer.when > self._pinned:
                        self._pinned = timer.when
                try:
                    timer.callback(timer.when)
                except BaseException as error:
                    if not is_test_failure(error):  # the other due timers still run
                        errors.append(error)
                        continue
                    # The test failed: the run stops. A move (advance, set) stays at the moment it
                    # failed; catching up with real time (run_due) leaves the clock where it is.
                    with self._lock:
                        if target is None:
                            self._pinned = None
                        else:
                            self._base(timer.when)
                    raise
        finally:
            self._runner = None

    def _warn_if_many_due(self, target: datetime | None) -> None:
        """Warn before a move that runs more fires than the threshold (counted, not run)."""
        threshold = self.fire_warning_threshold
        if threshold is None:
            return
        with self._lock:
            limit = target if target is not None else self._unpinned_now()
            due = [timer for when, _, timer in self.timers if when <= limit and not timer.cancelled]
        if len(due) <= threshold and all(timer.count_until is None for timer in due):
            return
        counts: dict[str, int] = {}
        for timer in due:
            label = timer.label or "other timers (replays, archive expiry)"
            counts[label] = counts.get(label, 0) + (timer.count_until(limit) if timer.count_until else 1)
        total = sum(counts.values())
        if total <= threshold:
            return
        worst = sorted(counts.items(), key=lambda item: -item[1])
        named = "; ".join(f"{label}: {count:,}" for label, count in worst[:5])
        more = f"; and {len(worst) - 5} more" if len(worst) > 5 else ""
        warnings.warn(
            ClockJumpWarning(
                f"moving the mock clock to {limit.isoformat()} fires {total:,} scheduled events, more "
                f"than fire_warning_threshold={threshold:,} ({named}{more}). Move the clock in smaller "
                "steps, disable the rules, or raise the threshold (mock_events(fire_warning_threshold=N) "
                "or m.clock.fire_warning_threshold = N; None never warns)."
            ),
            stacklevel=caller_stacklevel(),
        )

    def _unpinned_now(self) -> datetime:
        if self._frozen_at is not None:
            return self._frozen_at
        return _running(self._offset)

    def __repr__(self) -> str:
        with self._lock:
            now, frozen = self.now(), self._frozen_at is not None
            pending = sum(1 for _, _, timer in self.timers if not timer.cancelled)
        return f"<Clock {now.isoformat()} {'frozen' if frozen else 'running'}, {pending} timers pending>"

    # -- listeners ---------------------------------------------------------------------------

    def add_listener(self, callback: Listener) -> None:
        """Call `callback(old, new)` after each set() or advance(), once its due timers have run."""
        with self._lock:
            self._listeners.append(callback)

    def remove_listener(self, callback: Listener) -> None:
        with self._lock:
            self._listeners.remove(callback)

    def _finish(self, old: datetime, new: datetime, errors: list[BaseException]) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(old, new)
        self._raise_first(errors)

    @staticmethod
    def _raise_first(errors: list[BaseException]) -> None:
        if errors:
            raise errors[0]
