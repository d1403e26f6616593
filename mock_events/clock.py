"""The mock's controllable clock, and the timers that run as it passes their due time."""

from __future__ import annotations

import heapq
import itertools
import threading
from datetime import datetime, timedelta, timezone
from typing import Callable

from .errors import is_test_failure

__all__ = ["Clock", "Timer"]

Listener = Callable[[datetime, datetime], None]


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _real_now() -> datetime:
    return datetime.now(timezone.utc)


class Timer:
    """A callback registered to run once when the clock reaches `when`."""

    __slots__ = ("when", "callback", "_cancelled")

    def __init__(self, when: datetime, callback: Callable[[datetime], None]) -> None:
        self.when = when
        self.callback = callback
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


class Clock:
    """The time the mock reads. Follows real time (datetime.now(timezone.utc), so freezegun/time-machine
    also apply) until set or frozen."""

    def __init__(self) -> None:
        self._lock = threading.RLock()  # guards the fields below; never held while a callback runs
        self._run_lock = threading.RLock()  # held while timers run, so callbacks never overlap
        self._offset = timedelta(0)  # running: now = real now + offset
        self._frozen_at: datetime | None = None
        self._pinned: datetime | None = None  # now() while a timer's callback runs
        self._runner: int | None = None  # thread id running timers
        self._heap: list[tuple[datetime, int, Timer]] = []
        self._seq = itertools.count()
        self._listeners: list[Listener] = []

    # -- reading -----------------------------------------------------------------------------

    def now(self) -> datetime:
        """The current mock time, tz-aware UTC."""
        with self._lock:
            return self._now()

    def _now(self) -> datetime:
        if self._pinned is not None:
            return self._pinned
        if self._frozen_at is not None:
            return self._frozen_at
        return _real_now() + self._offset

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
        """Move time forward by `delta` plus the keyword units, running every timer due on the way."""
        step = (delta or timedelta(0)) + timedelta(seconds=seconds, minutes=minutes, hours=hours, days=days)
        if step < timedelta(0):
            raise ValueError(f"cannot advance the clock by a negative amount ({step})")
        with self._run_lock:
            self._refuse_inside_callback("advance")
            old = self.now()
            target = old + step
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
                self._frozen_at = self._now()

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
            raise RuntimeError(f"cannot {what} the clock from inside a timer callback")

    # -- timers ------------------------------------------------------------------------------

    def schedule(self, when: datetime, callback: Callable[[datetime], None]) -> Timer:
        """Run `callback(when)` once the clock reaches `when` (naive = UTC)."""
        timer = Timer(_as_utc(when), callback)
        with self._lock:
            heapq.heappush(self._heap, (timer.when, next(self._seq), timer))
        return timer

    def run_due(self) -> None:
        """Run the timers that real time has made due; cheap when none are.

        Returns at once when timers are already running, in this thread (called from a
        callback) or in another (whose callback may be waiting on this one): that run picks
        up whatever is due.
        """
        with self._lock:
            if not self._has_due(self._now()):
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
        heap = self._heap
        while heap and heap[0][2].cancelled:
            heapq.heappop(heap)
        return bool(heap) and heap[0][0] <= limit

    def _run_until(self, target: datetime | None) -> list[BaseException]:
        """Run due timers in time order, up to `target` (None: up to the running now). Holds _run_lock.

        A timer raising an error is reported after the other due timers ran; a timer raising a
        test failure (``errors.is_test_failure``) stops the run at once, the clock left at its time.
        """
        errors: list[BaseException] = []
        self._runner = threading.get_ident()
        try:
            while True:
                with self._lock:
                    limit = target if target is not None else self._unpinned_now()
                    if not self._has_due(limit):
                        return errors
                    _, _, timer = heapq.heappop(self._heap)
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

    def _unpinned_now(self) -> datetime:
        if self._frozen_at is not None:
            return self._frozen_at
        return _real_now() + self._offset

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
