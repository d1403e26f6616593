"""Why an event did or did not reach a target: explanations, delivery assertions, a summary.

AWS's TestEventPattern answers only true or false. These read the mock's state and logs to say
which rule matched, which field decided a miss, what each target would receive, and what reached
no target at all. Everything here only reads; nothing changes state or runs user code.
"""

from __future__ import annotations

import difflib
import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, Union

from . import arns
from .delivery import Delivery, envelope
from . import jsontext, timestamps
from .patterns import Explanation, compile as compile_pattern
from .transform import InputLimitExceeded

if TYPE_CHECKING:
    from .resources import EventBus, Rule
    from .service import Backend

RuleStatus = Literal["matched", "not matched", "disabled", "schedule only"]
Where = Union[Mapping[str, Any], Callable[[Delivery], bool], None]

_LINE = 110
_RECENT_EVENTS = 3
_SHOWN = 5


@dataclass(frozen=True)
class TargetPreview:
    """What one target of a matched rule would receive."""

    target_id: str
    target_arn: str
    payload: str | None
    """The payload as the target would receive it (after Input, InputPath or InputTransformer)."""
    dropped: str | None = None
    """Why the target would receive nothing (the transform's output is not JSON, or over the
    size a target takes), else None."""

    def __str__(self) -> str:
        if self.dropped is not None:
            return f"target {self.target_id} ({self.target_arn}): dropped: {self.dropped}"
        return f"target {self.target_id} ({self.target_arn}) receives {_cut(self.payload or '')}"


@dataclass(frozen=True)
class RuleExplanation:
    """One rule of the bus and what it does with the event. ``bool()`` is whether it delivers."""

    name: str
    arn: str
    status: RuleStatus
    explanation: Explanation | None
    """The pattern's explanation (None for a schedule-only rule)."""
    targets: tuple[TargetPreview, ...] = ()
    """For a matched rule: each target and what it would receive."""
    managed_by: str | None = None

    def __bool__(self) -> bool:
        return self.status == "matched"

    def __str__(self) -> str:
        managed = f" (managed by {self.managed_by})" if self.managed_by else ""
        head = f"rule {self.name}{managed}: "
        if self.status == "schedule only":
            return head + "schedule-only rule: it has no event pattern, events never match it"
        if self.status == "disabled":
            would = "would match" if self.explanation else f"would not match either ({_first_line(self.explanation)})"
            return head + f"DISABLED: delivers nothing; its pattern {would}"
        if self.status == "not matched":
            return head + str(self.explanation).replace("\n", "\n    ")
        lines = [head + "matched"]
        lines += [f"    {t}" for t in self.targets] or ["    (no targets: nothing is delivered)"]
        return "\n".join(lines)


@dataclass(frozen=True)
class BusExplanation:
    """What every rule of one bus does with one event. ``bool()``: some rule delivers it."""

    bus_arn: str
    bus_exists: bool
    event: dict[str, Any]
    rules: tuple[RuleExplanation, ...]

    @property
    def matched(self) -> list[RuleExplanation]:
        return [r for r in self.rules if r]

    def rule(self, name_or_arn: str) -> RuleExplanation:
        """The explanation of one rule, by name or ARN (KeyError if the bus has no such rule)."""
        for r in self.rules:
            if name_or_arn in (r.name, r.arn):
                return r
        raise KeyError(name_or_arn)

    def __bool__(self) -> bool:
        return bool(self.matched)

    def __str__(self) -> str:
        head = (
            f"event (source {self.event.get('source')!r}, detail-type {self.event.get('detail-type')!r})"
            f" on {self.bus_arn}"
        )
        if not self.bus_exists:
            return head + ": the bus does not exist; PutEvents accepts the event and drops it"
        if not self.rules:
            return head + ": the bus has no rules; the event reaches no target"
        matched = len(self.matched)
        lines = [f"{head}: {matched} of {len(self.rules)} rule(s) deliver it"]
        lines += ["  " + str(r).replace("\n", "\n  ") for r in self.rules]
        return "\n".join(lines)


@dataclass(frozen=True)
class Undelivered:
    """An event that reached no target, and why."""

    bus_arn: str
    event: dict[str, Any]
    reason: str
    time: datetime
    rule_arn: str | None = None
    target_arn: str | None = None

    def __repr__(self) -> str:
        return f"Undelivered({self.bus_arn}, id={self.event.get('id')!r}, reason={self.reason!r})"


# ---------------------------------------------------------------------------------------------
# Explaining an event on a bus

def as_envelope(
    event: Mapping[str, Any], *, account: str, region: str, now: datetime, event_id: str
) -> dict[str, Any]:
    """A PutEvents entry (Source, DetailType, Detail, ...) as the envelope rules see, or a full
    envelope (with ``detail-type``) as it is."""
    if "Source" not in event and "DetailType" not in event and "Detail" not in event:
        return dict(event)
    detail = event.get("Detail", "{}")
    if isinstance(detail, str):
        try:
            detail = jsontext.loads(detail, max_depth=None)
        except jsontext.JSONTextError as error:
            raise ValueError(f"Detail is not strict JSON ({error}): PutEvents answers MalformedDetail") from None
    if not isinstance(detail, Mapping):
        raise ValueError("Detail is not a JSON object: PutEvents answers MalformedDetail")
    when = now if event.get("Time") is None else timestamps.from_request(event["Time"])
    return envelope(
        event_id=event_id,
        detail_type=event.get("DetailType", ""),
        source=event.get("Source", ""),
        account=account,
        time=when,
        region=region,
        resources=list(event.get("Resources") or []),
        detail=detail,
    )


def find_bus(backend: Backend, bus: str, account: str, region: str) -> tuple[str, EventBus | None]:
    """The ARN of the bus named (by name in ``account`` and ``region``, or by ARN) and the bus."""
    bus_account, bus_region, name = arns.parse_bus(bus)
    account = bus_account or account
    region = bus_region or region
    state = backend.regions.get((account, region))
    found = state.buses.get(name) if state is not None else None
    return (found.arn if found is not None else arns.bus_arn(region, account, name)), found


def explain_event(backend: Backend, event: Mapping[str, Any], bus: str, account: str, region: str) -> BusExplanation:
    with backend.lock:
        bus_arn, found = find_bus(backend, bus, account, region)
        bus_region = found.region if found is not None else region
        envelope_ = as_envelope(
            event, account=account, region=bus_region, now=backend.clock.now(), event_id=backend.ids.uuid()
        )
        rules = sorted(found.rules.values(), key=lambda r: r.created) if found is not None else []
        explained = tuple(_explain_rule(backend, rule, envelope_) for rule in rules)
    return BusExplanation(bus_arn, found is not None, envelope_, explained)


def _explain_rule(backend: Backend, rule: Rule, event: dict[str, Any]) -> RuleExplanation:
    if rule.pattern is None:
        return RuleExplanation(rule.name, rule.arn, "schedule only", None, managed_by=rule.managed_by)
    explanation = rule.pattern.explain(event)
    if not rule.enabled:
        return RuleExplanation(rule.name, rule.arn, "disabled", explanation, managed_by=rule.managed_by)
    if not explanation:
        return RuleExplanation(rule.name, rule.arn, "not matched", explanation, managed_by=rule.managed_by)
    now = backend.clock.now()
    previews = []
    for target in rule.targets.values():
        try:
            payload = target.input.render(event, rule_arn=rule.arn, rule_name=rule.name, ingestion_time=now)
        except InputLimitExceeded as error:
            payload, dropped = None, error.reason
        else:
            dropped = None if payload is not None else "the transformed input is not valid JSON"
        previews.append(TargetPreview(target.id, target.arn, payload, dropped))
    return RuleExplanation(rule.name, rule.arn, "matched", explanation, tuple(previews), rule.managed_by)


# ---------------------------------------------------------------------------------------------
# Assertions on deliveries

def _where_test(where: Where) -> Callable[[Delivery], bool]:
    if where is None:
        return lambda _: True
    if callable(where):
        return where
    pattern = compile_pattern(dict(where), max_length=1 << 20)

    def test(delivery: Delivery) -> bool:
        try:
            body = jsontext.loads(delivery.payload, max_depth=None)
        except ValueError:
            return False
        return isinstance(body, dict) and pattern.matches(body)

    return test


def check_delivered(
    backend: Backend, target_arn: str, *, count: int | None, where: Where, expect: bool
) -> None:
    """Raise AssertionError with the whole story unless the deliveries to ``target_arn`` are as
    expected (``expect``: delivered ``count`` times, or at least once; else never)."""
    __tracebackhide__ = True  # pytest shows a failure at the test's assert_delivered line
    with backend.lock:
        deliveries = list(backend.log.deliveries)
    received = [d for d in deliveries if d.target_arn == target_arn]
    test = _where_test(where)
    chosen = [d for d in received if test(d)]
    if expect and (len(chosen) == count if count is not None else chosen):
        return
    if not expect and not chosen:
        return
    condition = "" if where is None else f" where {_describe_where(where)}"
    if expect:
        wanted = "a delivery" if count is None else f"{count} {'delivery' if count == 1 else 'deliveries'}"
        headline = f"expected {wanted} to {target_arn}{condition}, found {len(chosen)}"
    else:
        headline = f"expected no delivery to {target_arn}{condition}, found {len(chosen)}"
    lines = [headline]
    shown = received if expect else chosen
    if shown:
        what = "received" if expect else "received, unexpectedly"
        lines.append(f"{target_arn} {what} ({len(shown)}, the last {min(len(shown), _SHOWN)} shown):")
        lines += [f"  - {_short_delivery(d)}" for d in shown[-_SHOWN:]]
    else:
        lines.append(f"{target_arn} received nothing.")
    if expect:
        lines += _where_deliveries_went(deliveries, target_arn)
        lines += _why_rules_missed(backend, target_arn)
    raise AssertionError("\n".join(lines))


def _describe_where(where: Where) -> str:
    if callable(where):
        return getattr(where, "__name__", repr(where))
    return json.dumps(where, ensure_ascii=False, default=str)


def _short_delivery(d: Delivery) -> str:
    rule = d.rule_arn.rsplit("/", 1)[-1]
    return _cut(f"rule {rule}, attempt {d.attempt}: {_short_payload(d.payload)}")


def _short_payload(payload: str) -> str:
    """A whole event is shown by what tells events apart: source, detail-type and detail."""
    try:
        body = jsontext.loads(payload, max_depth=None)
    except ValueError:
        return payload
    if isinstance(body, dict) and "detail-type" in body and "detail" in body:
        detail = jsontext.dumps(body["detail"])
        return f"event {body.get('source')!r} {body.get('detail-type')!r} detail {detail}"
    return payload


def _where_deliveries_went(deliveries: list[Delivery], target_arn: str) -> list[str]:
    counts = Counter(d.target_arn for d in deliveries if d.target_arn != target_arn)
    if not counts:
        return ["No target received any delivery."]
    lines = ["Deliveries went to:"]
    lines += [f"  - {arn} ({n})" for arn, n in counts.most_common(_SHOWN * 2)]
    close = difflib.get_close_matches(target_arn, list(counts), n=1, cutoff=0.8)
    if close:
        lines.append(f"Did you mean {close[0]}?")
    return lines


def _why_rules_missed(backend: Backend, target_arn: str) -> list[str]:
    with backend.lock:
        rules = [
            rule
            for state in backend.regions.values()
            for bus in state.buses.values()
            for rule in bus.rules.values()
            if any(t.arn == target_arn for t in rule.targets.values())
        ]
        events = list(backend.log.events)
    if not rules:
        return [f"No rule targets {target_arn}."]
    lines = []
    for rule in sorted(rules, key=lambda r: r.created):
        bus_arn = _bus_of_rule(rule.arn)
        recent = [event for arn, event in events if arn == bus_arn][-_RECENT_EVENTS:]
        state = "" if rule.enabled else " (DISABLED)"
        if rule.pattern is None:
            lines.append(f"Rule {rule.arn}{state} is schedule-only.")
            continue
        if not recent:
            lines.append(f"Rule {rule.arn}{state}: no event was put on {bus_arn}.")
            continue
        lines.append(f"Rule {rule.arn}{state}, the last {len(recent)} event(s) on {bus_arn}:")
        for event in recent:
            verdict = rule.pattern.explain(event)
            label = f"    event {event.get('id', '?')[:8]} (source {event.get('source')!r}): "
            lines.append(label + str(verdict).replace("\n", "\n      "))
    return lines


# ---------------------------------------------------------------------------------------------
# What reached no target

def undelivered(backend: Backend) -> list[Undelivered]:
    """Events that reached no target, oldest first: put on a bus with no enabled rule that matched,
    put on a bus that does not exist, dropped by a transform or a refused forward, or lost after
    the retry policy with no dead-letter queue."""
    with backend.lock:
        unmatched = list(backend.log.unmatched)
        failures = [f for f in backend.log.failures if f.outcome == "dropped"]
    items = [Undelivered(bus_arn, jsontext.copy(event), reason, when) for bus_arn, event, reason, when in unmatched]
    items += [
        # A failure with no rule is an event put on a bus that does not exist (its ARN the target).
        Undelivered(_bus_of_rule(f.rule_arn), f.event, f.error, f.time, f.rule_arn, f.target_arn)
        if f.rule_arn is not None
        else Undelivered(f.target_arn, f.event, f.error, f.time)
        for f in failures
    ]
    items.sort(key=lambda u: u.time)
    return items


def _bus_of_rule(rule_arn: str) -> str:
    head, _, resource = rule_arn.partition(":rule/")
    name = resource.split("/", 1)[0] if "/" in resource else "default"
    return f"{head}:event-bus/{name}"


# ---------------------------------------------------------------------------------------------
# A short summary for a failing test's report

def summary(backend: Backend) -> str:
    """What the mock saw, a few lines per kind: buses, rules, events, deliveries, failures."""
    with backend.lock:
        states = list(backend.regions.values())
        events = list(backend.log.events)
        deliveries = list(backend.log.deliveries)
        failures = list(backend.log.failures)
    lines = []
    for state in states:
        buses = list(state.buses.values())
        rules = [r for bus in buses for r in bus.rules.values()]
        if len(buses) == 1 and not rules:
            continue
        lines.append(f"{state.account} {state.region}: buses {', '.join(b.name for b in buses)}")
        for rule in rules[:_SHOWN * 2]:
            what = rule.event_pattern or rule.schedule_expression or ""
            targets = ", ".join(t.arn for t in rule.targets.values()) or "no targets"
            lines.append(_cut(f"  rule {rule.name} [{rule.state}] {what} -> {targets}"))
        if len(rules) > _SHOWN * 2:
            lines.append(f"  ... {len(rules) - _SHOWN * 2} more rules")
    lines.append(f"events put: {len(events)}")
    lines += [_cut(f"  {arn.rsplit('/', 1)[-1]}: {jsontext.readable(e)}") for arn, e in events[-_RECENT_EVENTS:]]
    lines.append(f"deliveries: {len(deliveries)}")
    lines += [_cut(f"  {d.target_arn} <- {_short_delivery(d)}") for d in deliveries[-_RECENT_EVENTS:]]
    lines.append(f"failures: {len(failures)}")
    lines += [_cut(f"  {f.target_arn}: {f.outcome} after attempt {f.attempt}: {f.error}") for f in failures[-_RECENT_EVENTS:]]
    missed = undelivered(backend)
    lines.append(f"reached no target: {len(missed)}")
    lines += [_cut(f"  {u.bus_arn.rsplit('/', 1)[-1]}: {u.reason}") for u in missed[-_RECENT_EVENTS:]]
    return "\n".join(lines)


def _cut(text: str, limit: int = _LINE) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _first_line(value: object) -> str:
    return str(value).split("\n", 1)[0]
