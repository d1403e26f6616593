"""Delivery: an event on a bus goes through the bus's rules to their targets, and is recorded.

Delivery is synchronous: when the call that caused it returns, every delivery, retry and callback
it caused has happened. Targets that are event buses forward the event, where that bus's rules
apply in turn; targets that are archives store it. Everything else is recorded as a ``Delivery``
that tests read, and handed to the callbacks registered for the target's ARN.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Protocol

from . import arns, jsontext, permissions
from .ids import new_uuid

if TYPE_CHECKING:
    from .resources import EventBus, Rule, Target
    from .service import Backend

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
DEFAULT_MAX_RETRIES = 185
DEFAULT_MAX_AGE = 86400


@dataclass(frozen=True)
class Delivery:
    """One event (or its transformed input) that reached one target."""

    target_arn: str
    target_id: str
    rule_arn: str
    event: dict[str, Any]
    payload: str
    time: datetime
    attempt: int = 1
    error: str | None = None
    """For a dead-letter delivery: why the target failed."""
    http_request: dict[str, Any] | None = None
    """For an API destination: the request a real call would send."""
    trace_header: str | None = None
    """The X-Ray trace header the event was put with."""

    def json(self) -> Any:
        """The payload parsed as JSON."""
        return jsontext.loads(self.payload, max_depth=None)


@dataclass(frozen=True)
class Failure:
    """A delivery attempt that failed, or an event that was dropped or dead-lettered."""

    target_arn: str
    target_id: str
    rule_arn: str
    event: dict[str, Any]
    error: str
    attempt: int
    outcome: str
    """``retried``, ``dead-lettered`` or ``dropped``."""
    time: datetime


Callback = Callable[[Delivery], Any]
Sink = Callable[["Backend", "Rule", "Target", dict[str, Any]], None]


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

    def clear(self) -> None:
        self.deliveries.clear()
        self.failures.clear()
        self.events.clear()
        self.unmatched.clear()


# Targets handled inside the mock, by the ARN's resource type (``event-bus``, ``archive``, ...).
SINKS: dict[str, Sink] = {}


def format_time(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime(TIME_FORMAT)


def envelope(
    *,
    event_id: str,
    detail_type: str,
    source: str,
    account: str,
    time: datetime,
    region: str,
    resources: list[str],
    detail: Any,
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


def new_event_id() -> str:
    return new_uuid()


def publish(
    backend: Backend,
    bus: EventBus,
    event: dict[str, Any],
    *,
    rule_filter: Iterable[str] | None = None,
    visited: frozenset[str] = frozenset(),
    trace_header: str | None = None,
) -> None:
    """Route ``event`` through the enabled rules of ``bus`` that match it."""
    log = backend.log
    log._append(log.events, (bus.arn, event))
    names = bus.index.match(event)
    if not names:
        if rule_filter is None:
            log._append(log.unmatched, (bus.arn, event, "No rule of the bus matched the event.", backend.clock.now()))
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
        log._append(log.unmatched, (bus.arn, event, f"Only disabled rules matched the event: {disabled}.", backend.clock.now()))


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
    """Deliver one event to one target: forward, store, or record and call back, with retries."""
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
    payload = target.input.render(event, rule_arn=rule.arn, rule_name=rule.name, ingestion_time=now)
    if payload is None:
        _fail(backend, rule, target, event, "The transformed input is not valid JSON.", 1, "dropped")
        return
    http_request = None
    if kind == "api-destination":
        from .operations.api_destinations import http_request_for

        http_request = http_request_for(backend, rule, target, payload)
    record = Delivery(
        target_arn=target.arn,
        target_id=target.id,
        rule_arn=rule.arn,
        event=event,
        payload=payload,
        time=now,
        http_request=http_request,
        trace_header=trace_header,
    )
    _attempt(backend, rule, target, event, record)


def _attempt(backend: Backend, rule: Rule, target: Target, event: dict[str, Any], record: Delivery) -> None:
    log = backend.log
    refused = (record.http_request or {}).get("error")
    if refused is not None:
        # The API destination or its connection cannot send: not worth a retry.
        _exhausted(backend, rule, target, event, refused, 1)
        return
    receiver = backend.receiver
    if receiver is not None and not receiver.accepts(record.target_arn):
        receiver = None
    callbacks = log.callbacks.get(record.target_arn)
    if not callbacks and receiver is None:
        log._append(log.deliveries, record)
        return
    policy = target.spec.get("RetryPolicy") or {}
    max_retries = policy.get("MaximumRetryAttempts", DEFAULT_MAX_RETRIES)
    max_age = timedelta(seconds=policy.get("MaximumEventAgeInSeconds", DEFAULT_MAX_AGE))
    first = record.time
    attempt = 1
    while True:
        now = backend.clock.now()
        current = record if attempt == 1 else _with(record, attempt=attempt, time=now)
        try:
            # The receiver is the target itself; callbacks see what it accepted.
            if receiver is not None:
                receiver.receive(current, target.spec)
            for callback in list(callbacks or ()):
                callback(current)
        except Exception as error:  # the target failed: AWS retries what is worth retrying
            message = str(error) if isinstance(error, TargetUnavailable) else f"{type(error).__name__}: {error}"
            expired = backend.clock.now() - first >= max_age
            final = isinstance(error, TargetUnavailable) and not error.retriable
            if final or attempt > max_retries or expired:
                _exhausted(backend, rule, target, event, message, attempt)
                return
            _fail(backend, rule, target, event, message, attempt, "retried")
            attempt += 1
            continue
        log._append(log.deliveries, current)
        return


def _with(record: Delivery, **changes: Any) -> Delivery:
    values = dict(record.__dict__)
    values.update(changes)
    return Delivery(**values)


def _exhausted(
    backend: Backend,
    rule: Rule,
    target: Target,
    event: dict[str, Any],
    error: str,
    attempt: int,
) -> None:
    dlq = (target.spec.get("DeadLetterConfig") or {}).get("Arn")
    if dlq is None:
        _fail(backend, rule, target, event, error, attempt, "dropped")
        return
    _fail(backend, rule, target, event, error, attempt, "dead-lettered")
    letter = Delivery(
        target_arn=dlq,
        target_id=target.id,
        rule_arn=rule.arn,
        event=event,
        payload=jsontext.dumps(event),
        time=backend.clock.now(),
        attempt=attempt,
        error=error,
    )
    log = backend.log
    receiver = backend.receiver
    try:
        if receiver is not None and receiver.accepts(dlq):
            receiver.receive(letter, target.spec)
        for callback in list(log.callbacks.get(dlq, ())):
            callback(letter)
    except Exception as failure:  # a failing dead-letter queue loses the event, as in AWS
        reason = str(failure) if isinstance(failure, TargetUnavailable) else f"{type(failure).__name__}: {failure}"
        _fail(backend, rule, target, event, reason, 1, "dropped")
        return
    log._append(log.deliveries, letter)


def _fail(
    backend: Backend,
    rule: Rule,
    target: Target,
    event: dict[str, Any],
    error: str,
    attempt: int,
    outcome: str,
) -> None:
    log = backend.log
    log._append(
        log.failures,
        Failure(
            target_arn=target.arn,
            target_id=target.id,
            rule_arn=rule.arn,
            event=event,
            error=error,
            attempt=attempt,
            outcome=outcome,
            time=backend.clock.now(),
        ),
    )


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
        _fail(backend, rule, target, event, "The event already passed through this event bus.", 1, "dropped")
        return
    state = backend.regions.get((account, region))
    bus = state.buses.get(name) if state is not None else None
    if bus is None:
        _fail(backend, rule, target, event, f"Event bus {name} does not exist.", 1, "dropped")
        return
    if account != rule.account:
        crossed = event["account"] != rule.account
        if crossed:
            _fail(
                backend, rule, target, event,
                "Events received from another account are not forwarded to a third account.",
                1, "dropped",
            )
            return
        if not permissions.allows(bus, rule.account):
            _fail(
                backend, rule, target, event,
                f"Account {rule.account} is not authorized to put events on {bus.arn}.",
                1, "dropped",
            )
            return
    forwarded = event
    if region != rule.arn.split(":", 5)[3]:
        forwarded = dict(event)
        forwarded["id"] = new_event_id()
    publish(backend, bus, forwarded, visited=visited, trace_header=trace_header)
