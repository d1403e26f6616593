"""``mock_events``: one object that is decorator, context manager and the test's handle on the mock."""

from __future__ import annotations

import inspect
import os
import warnings
from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeVar, overload

from . import diagnostics, interceptor, jsontext, quotas as quotas_mod, scopes
from .clock import DEFAULT_FIRE_WARNING_THRESHOLD, Clock, caller_stacklevel
from .delivery import Delivery, Failure
from .diagnostics import BusExplanation, Undelivered, Where
from .ids import Ids
from .quotas import QuotaName
from .service import Backend

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"
CHECK_RESPONSES_VARIABLE = "MOCK_EVENTS_CHECK_RESPONSES"

ReplayMode = Literal["immediate", "clock"]
"""``immediate``: a replay completes within StartReplay; ``clock``: it runs as the clock passes."""

F = TypeVar("F", bound=Callable[..., Any])

start_observers: list[Callable[[EventsMock], None]] = []
"""Called with each mock as it starts (the pytest plugin uses it to report what a failing test's
mocks saw)."""


class ShadowedMockWarning(UserWarning):
    """A mock was read while another, started after it, answers the calls (so this one sees none)."""


class EventsMock:
    """A simulated EventBridge. Active between ``start()`` and ``stop()``, in a ``with`` block,
    or around each call of a function or test it decorates; each activation starts empty."""

    def __init__(
        self,
        *,
        region: str = DEFAULT_REGION,
        account_id: str = DEFAULT_ACCOUNT_ID,
        quotas: Mapping[QuotaName, int] | None = None,
        replay_mode: ReplayMode = "immediate",
        fire_warning_threshold: int | None = DEFAULT_FIRE_WARNING_THRESHOLD,
        forward_to_moto: bool | None = None,
        seed: int | str | bytes | None = None,
        check_responses: bool | None = None,
    ) -> None:
        self.seed = seed
        """Seeds the ids each activation hands out (event, request, connection and API destination
        ids, secret and endpoint suffixes, OAuth tokens): with the same seed and the same calls,
        every run gives the same ids. None: fresh ids in every run."""
        if check_responses is None:
            check_responses = os.environ.get(CHECK_RESPONSES_VARIABLE, "") in ("1", "true")
        self.check_responses = check_responses
        """Check every response against the operation's output shape with botocore's
        ParamValidator; a response that does not fit raises ``OutputShapeError`` (an
        AssertionError) in the calling test.
        None: on when the environment variable ``MOCK_EVENTS_CHECK_RESPONSES`` is ``1``, so a
        test suite turns it on for every mock, decorated tests included."""
        if forward_to_moto not in (None, True, False):
            raise ValueError(f"forward_to_moto must be None, True or False, not {forward_to_moto!r}")
        self.forward_to_moto = forward_to_moto
        """None: deliveries to targets of services moto simulates go into moto while its
        ``mock_aws`` is active; False: never; True: always (``start()`` needs moto active)."""
        if replay_mode not in ("immediate", "clock"):
            raise ValueError(f"replay_mode must be 'immediate' or 'clock', not {replay_mode!r}")
        self.replay_mode = replay_mode
        if not (isinstance(account_id, str) and len(account_id) == 12 and account_id.isdigit()):
            raise ValueError(f"account_id must be 12 digits, not {account_id!r}")
        self.region = region
        self.account_id = account_id
        self.quotas = quotas_mod.resolve(quotas)
        self.fire_warning_threshold = fire_warning_threshold
        self._backend = self._new_backend()  # the simulated service; the handle's methods read it
        self._active = False

    def _new_backend(self) -> Backend:
        backend = Backend(
            default_account=self.account_id,
            default_region=self.region,
            quotas=dict(self.quotas),
            replay_mode=self.replay_mode,
            ids=Ids(self.seed),
            clock=Clock(fire_warning_threshold=self.fire_warning_threshold),
        )
        if self.forward_to_moto is not False:
            from .moto_targets import MotoReceiver

            backend.receiver = MotoReceiver(required=bool(self.forward_to_moto))
        return backend

    # -- activation ---------------------------------------------------------------------
    def start(self, *, reset: bool = True) -> EventsMock:
        """Activate with empty state; with ``reset=False``, with the state the last activation left.

        Raises ``RuntimeError`` if already active, if ``forward_to_moto=True`` and moto's
        ``mock_aws`` is not active, or if a mock started by another thread is active.

        The active mock answers the calls of every thread of the process, so code under test
        may use thread pools and worker threads. Mocks started in one thread nest (the innermost
        answers); a mock started in a second thread would silently answer the first thread's
        calls too and leave that thread's mock blind, so it is refused loudly rather than warned
        about (a warning scrolls past while the test goes on with wrong answers).
        """
        if self._active:
            raise RuntimeError("this mock is already active")
        if self.forward_to_moto:
            from .moto_targets import moto_active

            if not moto_active():
                raise RuntimeError(
                    "mock_events(forward_to_moto=True) needs moto's mock_aws active first "
                    "(start it before this mock, e.g. `with mock_aws(), mock_events(...)`)."
                )
        if reset:
            previous, self._backend = self._backend, self._new_backend()
        try:
            interceptor.activate(self)
        except BaseException:
            self._backend = previous  # refused: the last activation's state stays readable
            raise
        self._active = True
        for observe in list(start_observers):
            observe(self)
        return self

    def stop(self) -> None:
        """Deactivate; the state stays readable until the next start."""
        if self._active:
            self._active = False
            interceptor.deactivate(self)

    @property
    def active(self) -> bool:
        return self._active

    def __enter__(self) -> EventsMock:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @overload
    def __call__(self, target: type) -> type: ...
    @overload
    def __call__(self, target: F) -> F: ...
    def __call__(self, target: Any) -> Any:
        return scopes.decorate(target, self._fresh)

    def _fresh(self) -> EventsMock:
        return EventsMock(
            region=self.region,
            account_id=self.account_id,
            quotas=self.quotas,  # type: ignore[arg-type]  # names checked when this mock was made
            replay_mode=self.replay_mode,
            fire_warning_threshold=self.fire_warning_threshold,
            forward_to_moto=self.forward_to_moto,
            seed=self.seed,
            check_responses=self.check_responses,
        )

    # -- inspection and control ------------------------------------------------------------
    @property
    def clock(self) -> Clock:
        """The time the mock reads: follows real time until a test sets, freezes or advances it."""
        return self._backend.clock

    def reset(self) -> None:
        """Start again from empty state (resources, logs, callbacks, clock); the mock stays active.

        Calls already in flight (the one whose callback resets, calls in other threads, a clock
        advance) finish answering against the old state, and make no more deliveries: what they
        had not yet delivered is not delivered, and nothing of them reaches the new state.
        """
        retired, self._backend = self._backend, self._new_backend()
        retired.retired = True

    def deliveries(self, target_arn: str | None = None) -> list[Delivery]:
        """Successful deliveries in the order they happened, to every target or to one ARN."""
        self._before_reading()
        with self._backend.lock:
            items = list(self._backend.log.deliveries)
        if target_arn is None:
            return items
        return [d for d in items if d.target_arn == target_arn]

    def failures(self, target_arn: str | None = None) -> list[Failure]:
        """Failed delivery attempts, and events dead-lettered or dropped, in order.

        An event put on an event bus that does not exist is accepted (as AWS accepts it) and
        dropped: its ``Failure`` has the bus's ARN as ``target_arn`` and no rule or target id.
        """
        self._before_reading()
        with self._backend.lock:
            items = list(self._backend.log.failures)
        if target_arn is None:
            return items
        return [f for f in items if f.target_arn == target_arn]

    def clear_deliveries(self) -> None:
        """Forget recorded deliveries, failures and events (resources are kept)."""
        with self._backend.lock:
            self._backend.log.clear()

    def events(self, bus: str | None = None) -> list[dict[str, Any]]:
        """Events put on a bus (by name or ARN; every bus with None), matched by a rule or not.

        Each a copy of its own: changing one changes no delivery, archive or later answer.
        """
        self._before_reading()
        with self._backend.lock:
            items = list(self._backend.log.events)
        if bus is not None:
            if bus.startswith("arn:"):
                items = [(arn, event) for arn, event in items if arn == bus]
            else:
                items = [(arn, event) for arn, event in items if arn.split(":event-bus/", 1)[1] == bus]
        return [jsontext.copy(event) for _, event in items]

    def on_target(self, target_arn: str, callback: Callable[[Delivery], Any]) -> None:
        """Call ``callback(delivery)`` with each ``Delivery`` to ``target_arn``, in the delivering call.

        ``target_arn`` may be a rule's target or a dead-letter queue. The callback runs before
        the call that caused the delivery (``put_events``, ``put_partner_events``,
        ``start_replay``, ``m.clock.advance``/``set``, or any call that ran a due schedule)
        returns, in the order deliveries happen, and never under the mock's lock: it may call
        the service, ``m.deliveries()``, other threads that call the service, or put events
        itself (their deliveries happen within its call). Which rules, targets and callbacks an
        event reaches is decided when the event is put (or the schedule fires); changes a
        callback makes apply to later events. ``delivery.event`` is the callback's own copy.
        Callbacks on one ARN add up: each runs, in the order they were registered (``reset()``
        removes them all).

        - Returning: delivered, recorded in ``deliveries()``.
        - Raising an ``Exception``: the target failed (recorded in ``failures()`` as
          ``retried``); the target's RetryPolicy applies (retried at once), then its
          DeadLetterConfig, else the event is ``dropped``. A dead-letter queue's callback that
          raises loses the event (``dropped``, under the queue's ARN).
        - Raising an ``AssertionError`` (``assert``, unittest's ``fail()``), unittest's
          ``SkipTest``, or a ``BaseException`` that is not an ``Exception`` (pytest's
          ``fail()``/``skip()``, ``KeyboardInterrupt``): the test failed, not the target.
          The error propagates unchanged out of the call that made the delivery; the delivery
          is recorded in ``failures()`` as ``propagated`` (not retried, not dead-lettered);
          the deliveries that call had not yet made are not made. What the call did before
          stands: its events were accepted (``events()``, archives, its replay's state). A
          clock advance stops at the moment of the failing delivery.

        ``m.reset()`` from a callback: see ``reset``. Callbacks are called synchronously: an ``async def``
        callback is refused with ``TypeError``.
        """
        if inspect.iscoroutinefunction(callback):
            raise TypeError("on_target callbacks are called synchronously; an async def callback would never run")
        self._warn_if_shadowed()
        with self._backend.lock:
            self._backend.log.callbacks.setdefault(target_arn, []).append(callback)

    def cap_logs(self, limit: int | None) -> None:
        """Keep at most ``limit`` of the newest deliveries, failures and events each (None: all),
        from now on: what the logs already hold beyond it is dropped at once. ``ValueError`` when
        ``limit`` is not None or an int of at least 0."""
        if limit is not None and (not isinstance(limit, int) or limit < 0):
            raise ValueError(f"cap_logs limit must be None or an int of at least 0, not {limit!r}")
        with self._backend.lock:
            self._backend.log.cap(limit)

    # -- diagnostics ------------------------------------------------------------------------
    def explain(self, event: Mapping[str, Any], bus: str = "default") -> BusExplanation:
        """What every rule of ``bus`` would do with ``event``, and why; nothing is put or delivered.

        ``event`` is a PutEvents entry (``Source``, ``DetailType``, ``Detail`` as a JSON string or
        a dict, optional ``Time`` and ``Resources``) or a full event envelope (``source``,
        ``detail-type``, ``detail``, ...). ``bus`` is a name (in the mock's account and region) or
        an ARN (any account and region). For each rule, in creation order: matched or not and why
        not (the field that decided each branch), disabled and schedule-only rules said so, and for
        each matched rule what each target would receive (after its Input, InputPath or
        InputTransformer) or why the transform drops the event. ``bool()`` of the result: some
        rule delivers it; ``str()``: a readable report. ``Time`` is a datetime (naive = UTC), ISO
        text or epoch seconds. Raises ``ValueError`` for a ``Detail`` PutEvents refuses
        (``MalformedDetail``: not strict JSON, or not an object).
        """
        return diagnostics.explain_event(self._backend, event, bus, self.account_id, self.region)

    def assert_delivered(self, target_arn: str, *, count: int | None = None, where: Where = None) -> None:
        """Pass if ``target_arn`` received a delivery (exactly ``count`` if given) that satisfies
        ``where``; else raise ``AssertionError`` saying what it received, which ARNs did receive
        deliveries (a typo shows at once), and why each rule targeting it missed recent events.

        ``where`` is a dict matched against the delivered JSON with event-pattern semantics
        (``{"detail": {"state": ["paid"]}}``), or a callable taking the ``Delivery``.
        """
        __tracebackhide__ = True  # see diagnostics.check_delivered
        diagnostics.check_delivered(self._backend, target_arn, count=count, where=where, expect=True)

    def assert_not_delivered(self, target_arn: str, *, where: Where = None) -> None:
        """Pass if ``target_arn`` received no delivery satisfying ``where`` (see
        ``assert_delivered``); else raise ``AssertionError`` listing the unexpected deliveries."""
        __tracebackhide__ = True  # see diagnostics.check_delivered
        diagnostics.check_delivered(self._backend, target_arn, count=None, where=where, expect=False)

    def undelivered(self) -> list[Undelivered]:
        """Events that reached no target, oldest first, each with its reason: no enabled rule of its
        bus matched, its bus does not exist, a transform dropped it, a forward to another bus was
        refused, or it was lost after the retry policy with no dead-letter queue."""
        return diagnostics.undelivered(self._backend)

    def snapshot(self, account_id: str | None = None, region: str | None = None) -> dict[str, Any]:
        """The resources stored for one account and region, as plain data (a copy)."""
        from .snapshot import snapshot

        self._before_reading()
        return snapshot(self._backend, account_id or self.account_id, region or self.region)

    def _before_reading(self) -> None:
        """Warn if shadowed; run what the clock has made due (time moved by freezegun, ...)."""
        if not self._active:
            return
        self._warn_if_shadowed()
        self._backend.clock.run_due()

    def _warn_if_shadowed(self) -> None:
        if not self._active:
            return
        answering = interceptor.active_mock()
        if answering is not None and answering is not self:
            warnings.warn(
                ShadowedMockWarning(
                    f"{self!r} is read while {answering!r}, started after it, answers the calls: "
                    "this mock sees none of them. Use mock_events.current_mock() for the one answering."
                ),
                stacklevel=caller_stacklevel(),
            )

    def __repr__(self) -> str:
        if "_active" not in self.__dict__:  # __init__ refused an option (pytest still shows self)
            return "<EventsMock not constructed>"
        state = "active" if self._active else "inactive"
        backend = self._backend
        with backend.lock:
            buses = rules = targets = 0
            for region_state in list(backend.regions.values()):
                for bus in list(region_state.buses.values()):
                    buses += 1
                    rules += len(bus.rules)
                    targets += sum(len(rule.targets) for rule in list(bus.rules.values()))
            log = backend.log
            counts = (len(log.events), len(log.deliveries), len(log.failures))
        return (
            f"<EventsMock {state} region={self.region} account={self.account_id}: "
            f"{_count(buses, 'bus', 'buses')}, {_count(rules, 'rule')}, {_count(targets, 'target')}; "
            f"{_count(counts[0], 'event')}, {_count(counts[1], 'delivery', 'deliveries')}, "
            f"{_count(counts[2], 'failure')}>"
        )


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def current_mock() -> EventsMock:
    """The mock that answers ``events`` calls now (the innermost active one).

    For a test decorated with ``@mock_events``, which gets no handle of its own.
    Raises ``RuntimeError`` when no mock is active.
    """
    mock = interceptor.active_mock()
    if mock is None:
        raise RuntimeError("no mock_events mock is active")
    return mock


class _MockEvents:
    """Simulate EventBridge: ``@mock_events``, ``@mock_events(...)``, ``with mock_events() as m``.

    ``mock_events.current_mock()`` is the mock answering calls now (see ``current_mock``).
    """

    @overload
    def __call__(self, func: F, /) -> F: ...
    @overload
    def __call__(
        self,
        /,
        *,
        region: str = DEFAULT_REGION,
        account_id: str = DEFAULT_ACCOUNT_ID,
        quotas: Mapping[QuotaName, int] | None = None,
        replay_mode: ReplayMode = "immediate",
        fire_warning_threshold: int | None = DEFAULT_FIRE_WARNING_THRESHOLD,
        forward_to_moto: bool | None = None,
        seed: int | str | bytes | None = None,
        check_responses: bool | None = None,
    ) -> EventsMock: ...
    def __call__(self, func: Any = None, /, **options: Any) -> Any:
        if func is not None:
            return EventsMock(**options)(func)
        return EventsMock(**options)

    current_mock = staticmethod(current_mock)

    def __repr__(self) -> str:
        return "mock_events"


mock_events = _MockEvents()


__all__ = ["EventsMock", "ReplayMode", "ShadowedMockWarning", "current_mock", "mock_events"]
