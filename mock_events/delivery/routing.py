"""Delivery: an event on a bus goes through the bus's rules to their targets, and is recorded.

Delivery is synchronous: when the call that caused it returns, every delivery, retry and callback
it caused has happened. Targets that are event buses forward the event, where that bus's rules
apply in turn; targets that are archives store it. Everything else is recorded as a ``Delivery``
that tests read, and handed to the callbacks registered for the target's ARN.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, Protocol, Union

from .. import arns, jsontext, permissions
from ..clock import format_time
from ..errors import is_test_failure
from ..transform import InputLimitExceeded
from . import archive_sink, http

if TYPE_CHECKING:
    from ..resources import EventBus, Rule, Target
    from ..service import Backend

DEFAULT_MAX_RETRIES = 185
DEFAULT_MAX_AGE = 86400

Outcome = Literal["retried", "dead-lettered", "dropped", "propagated"]


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _rule_name(rule_arn: str | None) -> str | None:
    """``orders`` for a rule on the default bus, ``shop/orders`` for one on the bus ``shop``."""
    return rule_arn.split(":rule/", 1)[-1] if rule_arn else None


@dataclass(frozen=True, repr=False)
class Delivery:
    """One event (or its transformed input) that reached one target."""

    target_arn: str
    target_id: str
    rule_arn: str
    _event: dict[str, Any] = field(repr=False)
    """The event as routed, shared by every target it reached: never handed out."""
    payload: str
    time: datetime
    attempt: int = 1
    error: str | None = None
    """For a dead-letter delivery: why the target failed."""
    http_request: dict[str, Any] | None = None
    """For an API destination: the request a real call would send."""
    trace_header: str | None = None
    """The X-Ray trace header the event was put with."""

    @cached_property
    def event(self) -> dict[str, Any]:
        """The event (envelope dict), this record's own copy: changing it changes nothing else."""
        return jsontext.copy(self._event)

    def _own(self) -> Delivery:
        """This record again, as a new object whose ``event`` is copied afresh when read."""
        own = object.__new__(Delivery)
        own.__dict__.update(self.__dict__)
        own.__dict__.pop("event", None)
        return own

    def json(self) -> Any:
        """The payload parsed as JSON (a new object at each call)."""
        return jsontext.loads(self.payload, max_depth=None)

    def __repr__(self) -> str:
        error = f", error={_short(self.error)!r}" if self.error is not None else ""
        return (
            f"Delivery(target={self.target_arn!r}, rule={_rule_name(self.rule_arn)!r}, "
            f"time={format_time(self.time)!r}, attempt={self.attempt}{error}, payload={_short(self.payload)!r})"
        )


@dataclass(frozen=True, repr=False)
class Failure:
    """A delivery attempt that failed, or an event that was dropped or dead-lettered.

    An event put on an event bus that does not exist is accepted and dropped, as by AWS: its
    failure has the bus's ARN as ``target_arn``, and ``None`` as ``rule_arn`` and ``target_id``.
    """

    target_arn: str
    target_id: str | None
    rule_arn: str | None
    _event: dict[str, Any] = field(repr=False)
    error: str
    """``Type: message`` of what the callback raised, or why the event was not delivered."""
    attempt: int
    outcome: Outcome
    """``retried``, ``dead-lettered`` or ``dropped``; ``propagated`` for a test failure (an
    ``AssertionError``, pytest's ``fail()``/``skip()``) that a callback raised and that propagated
    out of the call that made the delivery."""
    time: datetime

    @cached_property
    def event(self) -> dict[str, Any]:
        """The event (envelope dict), this record's own copy: changing it changes nothing else."""
        return jsontext.copy(self._event)

    def __repr__(self) -> str:
        return (
            f"Failure(target={self.target_arn!r}, rule={_rule_name(self.rule_arn)!r}, "
            f"time={format_time(self.time)!r}, attempt={self.attempt}, outcome={self.outcome!r}, "
            f"error={_short(self.error)!r}, event={_short(jsontext.dumps(self._event))!r})"
        )


class TargetUnavailable(Exception):
    """A receiver could not deliver: the target resource is missing or refused the call.

    ``retriable`` False (a resource that does not exist, missing permissions): AWS makes no retry
    attempt and sends the event straight to the dead-letter queue ("Using dead-letter queues to
    process undelivered events", EventBridge User Guide).
    """

    def __init__(self, message: str, *, retriable: bool = True) -> None:
        super().__init__(message)
        self.retriable = retriable


class Receiver(Protocol):
    """Where deliveries to some targets really go (e.g. moto's services), beside the log.

    Called where target callbacks are called, never for targets the mock handles itself.
    """

    def accepts(self, arn: str) -> bool:
        """Whether deliveries to ``arn`` are sent on now."""

    def receive(self, delivery: Delivery, target_spec: dict[str, Any]) -> None:
        """Send ``delivery`` (its ``target_arn``, ``payload``; ``error`` set for a dead letter) on.

        ``target_spec`` is the PutTargets Target (for a dead letter, the target that failed).
        Raises ``TargetUnavailable`` when the target fails.
        """


Callback = Callable[[Delivery], Any]
Sink = Callable[["Backend", "Rule", "Target", dict[str, Any]], None]


@dataclass
class DeliveryLog:
    """What the tests read: deliveries, failures, events put on buses, and target callbacks."""

    deliveries: list[Delivery] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    unmatched: list[tuple[str, dict[str, Any], str, datetime]] = field(default_factory=list)
    """Events no enabled rule of their bus delivered: (bus ARN, event, reason, time)."""
    callbacks: dict[str, list[Callback]] = field(default_factory=dict)
    limit: int | None = None

    def _append(self, items: list[Any], item: Any) -> None:
        items.append(item)
        if self.limit is not None and len(items) > self.limit:
            del items[: len(items) - self.limit]

    def cap(self, limit: int | None) -> None:
        """Keep at most ``limit`` of the newest of each log from now on, and trim them now."""
        self.limit = limit
        if limit is not None:
            for items in (self.deliveries, self.failures, self.events, self.unmatched):
                del items[: max(0, len(items) - limit)]

    def clear(self) -> None:
        self.deliveries.clear()
        self.failures.clear()
        self.events.clear()
        self.unmatched.clear()


SINKS: dict[str, Sink] = {archive_sink.RESOURCE_TYPE: archive_sink.store}
"""Targets handled inside the mock, by the ARN's resource type (event buses are forwarded to)."""


def envelope(
    event_id: str,
    detail_type: str,
    source: str,
    account: str,
    time: datetime,
    region: str,
    resources: list[str],
    detail: Any,
    *,
    replay_name: str | None = None,
) -> dict[str, Any]:
    """The event as targets receive it, in AWS's key order."""
    event: dict[str, Any] = {
        "version": "0",
        "id": event_id,
        "detail-type": detail_type,
        "source": source,
        "account": account,
        "time": format_time(time),
        "region": region,
    }
    if replay_name is not None:
        event["replay-name"] = replay_name
    event["resources"] = resources
    event["detail"] = detail
    return event


_NO_RULE_MATCHED = "No rule of the bus matched the event."


def publish(
    backend: Backend,
    bus: EventBus,
    event: dict[str, Any],
    *,
    rule_filter: Iterable[str] | None = None,
    visited: frozenset[str] = frozenset(),
    trace_header: str | None = None,
    now: datetime | None = None,
) -> None:
    """Route ``event`` through the enabled rules of ``bus`` that match it; ``now``: the mock's
    time, if the caller read it (an event no rule takes is recorded as unmatched at that time)."""
    log = backend.log
    log._append(log.events, (bus.arn, event))
    names = bus.index.match(event) if bus.rules else None  # the index holds patterns of bus.rules only
    if not names:
        if rule_filter is None:
            when = backend.clock.now() if now is None else now
            log._append(log.unmatched, (bus.arn, event, _NO_RULE_MATCHED, when))
        return
    allowed = set(rule_filter) if rule_filter is not None else None
    visited = visited | {bus.arn}
    rules = bus.rules
    matched = [rules[name] for name in names]  # type: ignore[index]
    if len(matched) > 1:
        # In the order the rules were created, so deliveries are reproducible.
        matched.sort(key=lambda r: r.created)
    delivered = False
    for rule in matched:
        if not rule.enabled:
            continue
        if allowed is not None and rule.arn not in allowed:
            continue
        if "replay-name" in event and rule.managed_by is not None:
            continue
        delivered = True
        deliver_to_targets(backend, rule, event, visited=visited, trace_header=trace_header)
    if not delivered and rule_filter is None:
        disabled = ", ".join(r.name for r in matched if not r.enabled)
        when = backend.clock.now() if now is None else now
        log._append(log.unmatched, (bus.arn, event, f"Only disabled rules matched the event: {disabled}.", when))


def deliver_to_targets(
    backend: Backend,
    rule: Rule,
    event: dict[str, Any],
    *,
    visited: frozenset[str] = frozenset(),
    trace_header: str | None = None,
) -> None:
    for target in list(rule.targets.values()):
        deliver(backend, rule, target, event, visited=visited, trace_header=trace_header)


def deliver(
    backend: Backend,
    rule: Rule,
    target: Target,
    event: dict[str, Any],
    *,
    visited: frozenset[str] = frozenset(),
    trace_header: str | None = None,
) -> None:
    """Deliver one event to one target: forward, store, or record (and decide the callbacks to call)."""
    now = backend.clock.now()
    parts = arns.parse(target.arn)
    kind = parts["resource"].split("/", 1)[0] if parts and parts["service"] == "events" else ""
    if kind == "event-bus":
        forward(backend, rule, target, event, visited, trace_header)
        return
    sink = SINKS.get(kind)
    if sink is not None:
        sink(backend, rule, target, event)
        return
    try:
        payload = target.input.render(event, rule_arn=rule.arn, rule_name=rule.name, ingestion_time=now)
    except InputLimitExceeded as error:
        # No target takes it (SQS, SNS, Lambda: 256 KB at most): AWS's answer is not recorded.
        unsent = Delivery(
            target_arn=target.arn, target_id=target.id, rule_arn=rule.arn, _event=event, payload="", time=now,
            trace_header=trace_header,
        )
        _fail_at_once(backend, unsent, target, error.reason)
        return
    if payload is None:
        _drop_at(backend, rule, target, event, "The transformed input is not valid JSON.")
        return
    http_request = None
    if kind == "api-destination":
        http_request = http.request_for(backend, target, payload)
    record = Delivery(
        target_arn=target.arn,
        target_id=target.id,
        rule_arn=rule.arn,
        _event=event,
        payload=payload,
        time=now,
        http_request=http_request,
        trace_header=trace_header,
    )
    refused = (http_request or {}).get("error")
    if refused is not None:
        # The API destination or its connection cannot send: not worth a retry.
        _fail_at_once(backend, record, target, refused)
        return
    callbacks = backend.log.callbacks.get(target.arn)
    receiver = _receiver_for(backend, target.arn)
    if not callbacks and receiver is None:
        _emit(backend, record)
        return
    _emit(backend, _Call(record, tuple(callbacks or ()), receiver, target.spec, _Retries.of(backend, target)))


def _fail_at_once(backend: Backend, record: Delivery, target: Target, error: str) -> None:
    """``record`` (never logged as delivered) fails for good at its first attempt, as for a
    target that refuses the call: dead-lettered if the target has a dead-letter queue, else dropped."""
    for step in _exhausted(backend, record, target.spec, _Retries.of(backend, target), error, 1):
        _emit(backend, step)


def _receiver_for(backend: Backend, arn: str) -> Receiver | None:
    receiver = backend.receiver
    return receiver if receiver is not None and receiver.accepts(arn) else None


# -- deliveries made outside the lock --------------------------------------------------------
#
# Routing runs under the backend's lock and decides, in order, what each event becomes: records
# (a Delivery or a Failure) and calls of the test's callbacks. Records are appended at once while
# no call is waiting before them; otherwise every step waits in ``backend.outbox``, which
# ``make`` works through after the lock is released, so user code never runs under our lock and
# the logs keep the order in which the deliveries happened.


@dataclass(frozen=True)
class _Retries:
    """What decides a failed delivery's fate, captured when the delivery is decided."""

    max_retries: int
    max_age: timedelta
    dead_letter_arn: str | None = None
    dead_letter_callbacks: tuple[Callback, ...] = ()
    dead_letter_receiver: Receiver | None = None

    @classmethod
    def of(cls, backend: Backend, target: Target) -> _Retries:
        policy = target.spec.get("RetryPolicy") or {}
        max_retries = policy.get("MaximumRetryAttempts", DEFAULT_MAX_RETRIES)
        max_age = timedelta(seconds=policy.get("MaximumEventAgeInSeconds", DEFAULT_MAX_AGE))
        dead_letter = (target.spec.get("DeadLetterConfig") or {}).get("Arn")
        if dead_letter is None:
            return cls(max_retries, max_age)
        callbacks = tuple(backend.log.callbacks.get(dead_letter, ()))
        return cls(max_retries, max_age, dead_letter, callbacks, _receiver_for(backend, dead_letter))


_LETTER_RETRIES = _Retries(max_retries=0, max_age=timedelta.max)
"""A dead-letter queue that fails loses the event, as in AWS: no retry, no dead letter."""


@dataclass(frozen=True)
class _Call:
    """A delivery to a target with callbacks or a receiver, made after the lock is released."""

    record: Delivery
    callbacks: tuple[Callback, ...]
    receiver: Receiver | None
    spec: dict[str, Any]
    """The PutTargets Target (for a dead letter, the target that failed), for the receiver."""
    retries: _Retries


Step = Union[Delivery, Failure, _Call]


def _emit(backend: Backend, step: Step) -> None:
    """Record ``step`` now, or queue it behind the calls still to be made (holds the lock)."""
    outbox = backend.outbox
    if outbox or type(step) is _Call:
        outbox.append(step)
    else:
        _record(backend.log, step)


def _record(log: DeliveryLog, step: Delivery | Failure) -> None:
    log._append(log.deliveries if type(step) is Delivery else log.failures, step)


def make(backend: Backend, steps: list[Step]) -> None:
    """Make the deliveries decided under the lock, in order, each once, without holding it.

    A test failure a callback raises (``errors.is_test_failure``) propagates from here: the steps
    after it are not made. Once the backend is retired (``m.reset()``), no step is made.
    """
    index, count = 0, len(steps)
    while index < count and not backend.retired:
        step = steps[index]
        if isinstance(step, _Call):
            index += 1
            _call(backend, step)
            continue
        with backend.lock:  # the records up to the next call, at once
            while index < count and not backend.retired:
                step = steps[index]
                if isinstance(step, _Call):
                    break
                _record(backend.log, step)
                index += 1


def _call(backend: Backend, call: _Call) -> None:
    """Hand the delivery to its callbacks, retrying per the target's policy, then dead-letter."""
    first = call.record
    attempt = 1
    while True:
        current = first if attempt == 1 else replace(first, attempt=attempt, time=backend.clock.now())
        try:
            # The receiver is the target itself; callbacks see what it accepted. Each gets a
            # record of its own, so what it changes in ``event`` the logged record never shows.
            if call.receiver is not None:
                call.receiver.receive(current._own(), call.spec)
            for callback in call.callbacks:
                callback(current._own())
        except BaseException as error:
            message = repr_error(error)
            if is_test_failure(error):
                _record_unless_retired(backend, _failure(first, message, attempt, "propagated", backend))
                raise
            if backend.retired:
                return
            expired = backend.clock.now() - first.time >= call.retries.max_age
            final = isinstance(error, TargetUnavailable) and not error.retriable
            if final or attempt > call.retries.max_retries or expired:
                make(backend, _exhausted(backend, first, call.spec, call.retries, message, attempt))
                return
            _record_unless_retired(backend, _failure(first, message, attempt, "retried", backend))
            attempt += 1
            continue
        _record_unless_retired(backend, current)
        return


def _record_unless_retired(backend: Backend, record: Delivery | Failure) -> None:
    with backend.lock:
        if not backend.retired:
            _record(backend.log, record)


def repr_error(error: BaseException) -> str:
    """How a failure reads in ``Failure.error`` and ``Delivery.error``: ``Type: message``, or
    the receiver's own message."""
    if isinstance(error, TargetUnavailable):
        return str(error)
    return f"{type(error).__name__}: {error}"


def _exhausted(
    backend: Backend, record: Delivery, spec: dict[str, Any], retries: _Retries, error: str, attempt: int
) -> list[Step]:
    """What becomes of a delivery that will not be retried: dropped, or dead-lettered."""
    dead_letter = retries.dead_letter_arn
    if dead_letter is None:
        return [_failure(record, error, attempt, "dropped", backend)]
    letter = Delivery(
        target_arn=dead_letter,
        target_id=record.target_id,
        rule_arn=record.rule_arn,
        _event=record._event,
        payload=jsontext.dumps(record._event),
        time=backend.clock.now(),
        attempt=attempt,
        error=error,
    )
    failure = _failure(record, error, attempt, "dead-lettered", backend)
    if not retries.dead_letter_callbacks and retries.dead_letter_receiver is None:
        return [failure, letter]
    return [failure, _Call(letter, retries.dead_letter_callbacks, retries.dead_letter_receiver, spec, _LETTER_RETRIES)]


def _failure(record: Delivery, error: str, attempt: int, outcome: Outcome, backend: Backend) -> Failure:
    return Failure(
        target_arn=record.target_arn,
        target_id=record.target_id,
        rule_arn=record.rule_arn,
        _event=record._event,
        error=error,
        attempt=attempt,
        outcome=outcome,
        time=backend.clock.now(),
    )


def _drop(
    backend: Backend,
    event: dict[str, Any],
    error: str,
    *,
    target_arn: str,
    target_id: str | None = None,
    rule_arn: str | None = None,
) -> None:
    """Record an event dropped at once, on its first attempt, and why."""
    _emit(
        backend,
        Failure(
            target_arn=target_arn,
            target_id=target_id,
            rule_arn=rule_arn,
            _event=event,
            error=error,
            attempt=1,
            outcome="dropped",
            time=backend.clock.now(),
        ),
    )


def _drop_at(backend: Backend, rule: Rule, target: Target, event: dict[str, Any], error: str) -> None:
    _drop(backend, event, error, target_arn=target.arn, target_id=target.id, rule_arn=rule.arn)


def drop_for_missing_bus(backend: Backend, bus_arn: str, event: dict[str, Any]) -> None:
    """Record an accepted event whose event bus does not exist: AWS drops it, the test sees why."""
    name = bus_arn.split(":event-bus/", 1)[1]
    _drop(backend, event, f"Event bus {name} does not exist.", target_arn=bus_arn)


def forward(
    backend: Backend,
    rule: Rule,
    target: Target,
    event: dict[str, Any],
    visited: frozenset[str],
    trace_header: str | None = None,
) -> None:
    """Send ``event`` on to the event bus named by the target.

    An event never enters a bus it has already passed through, and an event that already crossed
    accounts is not forwarded to a third account (as AWS documents), so loops end.
    """
    account, region, name = arns.parse_bus(target.arn)
    assert account is not None and region is not None
    if target.arn in visited:
        _drop_at(backend, rule, target, event, "The event already passed through this event bus.")
        return
    state = backend.regions.get((account, region))
    bus = state.buses.get(name) if state is not None else None
    if bus is None:
        _drop_at(backend, rule, target, event, f"Event bus {name} does not exist.")
        return
    if account != rule.account:
        crossed = event["account"] != rule.account
        if crossed:
            _drop_at(
                backend, rule, target, event,
                "Events received from another account are not forwarded to a third account.",
            )
            return
        keys = {"events:source": [event["source"]], "events:detail-type": [event["detail-type"]]}
        if not permissions.allows(bus, rule.account, keys=keys):
            _drop_at(
                backend, rule, target, event,
                f"Account {rule.account} is not authorized to put events on {bus.arn}.",
            )
            return
    forwarded = event
    if region != rule.arn.split(":", 5)[3]:
        forwarded = dict(event)
        forwarded["id"] = backend.ids.uuid()
    publish(backend, bus, forwarded, visited=visited, trace_header=trace_header)
