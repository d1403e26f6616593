"""Archives: CreateArchive, DescribeArchive, ListArchives, UpdateArchive, DeleteArchive.

An archive captures events through a managed rule, ``Events-Archive-<name>``, on its source bus:
the rule's pattern is the archive's plus ``"replay-name": [{"exists": false}]`` (so replayed
events are never archived). Its one target, as other emulators record it from AWS (moto,
LocalStack; the facts file marks the exact shape uncertain), is ``arn:aws:events:<region>:::``
with an InputTransformer: an empty ``InputPathsMap`` and the template
``{"archive-arn": "<archive ARN>:<archive id>", "event": <aws.events.event.json>,
"ingestion-time": <aws.events.event.ingestion-time>}``. The archive sink renders that template and
stores the event into the archive it names. Events are stored at once; RetentionDays is honoured
by the mock's clock.
"""

from __future__ import annotations

import heapq
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from .. import arns, delivery, jsontext, pagination
from ..errors import already_exists, bus_not_found, not_found, validation
from ..resources import EventBus, RegionState
from ..service import Context, operation
from . import rules as rules_ops
from .targets import put_targets

if TYPE_CHECKING:
    from ..clock import Timer
    from ..resources import Rule, Target
    from ..service import Backend

MANAGED_BY = "prod.vhs.events.aws.internal"
RULE_PREFIX = "Events-Archive-"
_NOT_REPLAYED = {"replay-name": [{"exists": False}]}



def retention(days: int) -> timedelta | None:
    """How long events are kept; None for ever (0, or more days than a datetime can count)."""
    if not days:
        return None
    try:
        return timedelta(days=days)
    except OverflowError:
        return None

@dataclass(eq=False)
class ArchivedEvent:
    """One stored event: its JSON text as delivered, its event time and when it was archived."""

    time: datetime
    archived_at: datetime
    text: str
    seq: int

    @property
    def size(self) -> int:
        return len(self.text.encode("utf-8"))


@dataclass(eq=False)
class Archive:
    name: str
    arn: str
    account: str
    region: str
    bus_name: str
    event_source_arn: str
    creation_time: datetime
    description: str | None = None
    event_pattern: str | None = None
    retention_days: int = 0
    kms_key_identifier: str | None = None
    state: str = "ENABLED"
    events: dict[int, ArchivedEvent] = field(default_factory=dict)
    size_bytes: int = 0
    _by_age: list[tuple[datetime, int]] = field(default_factory=list)
    _sorted: list[ArchivedEvent] | None = None
    timer: Timer | None = None
    id: str = ""
    """Tells this archive from an earlier one of the same name in its managed rule's target."""

    @property
    def rule_name(self) -> str:
        return RULE_PREFIX + self.name

    def target(self) -> dict[str, Any]:
        """The managed rule's target, as AWS shows it in ListTargetsByRule."""
        return {
            "Id": self.rule_name,
            "Arn": sink_arn(self.region),
            "InputTransformer": {
                "InputPathsMap": {},
                "InputTemplate": (
                    f'{{"archive-arn": "{self.arn}:{self.id}", "event": <aws.events.event.json>, '
                    '"ingestion-time": <aws.events.event.ingestion-time>}'
                ),
            },
        }

    @property
    def event_count(self) -> int:
        return len(self.events)

    def add(self, backend: Backend, event: dict[str, Any]) -> None:
        text = jsontext.dumps(event)
        now = backend.clock.now()
        when = datetime.strptime(event["time"], delivery.TIME_FORMAT).replace(tzinfo=now.tzinfo)
        stored = ArchivedEvent(time=when, archived_at=now, text=text, seq=backend.ids.serial())
        self.events[stored.seq] = stored
        self.size_bytes += stored.size
        heapq.heappush(self._by_age, (now, stored.seq))
        self._sorted = None
        if self.retention_days and (self.timer is None or self._by_age[0][1] == stored.seq):
            self.arm_expiry(backend)

    def by_event_time(self) -> list[ArchivedEvent]:
        """The stored events ordered by event time (then by arrival)."""
        if self._sorted is None:
            self._sorted = sorted(self.events.values(), key=lambda e: (e.time, e.seq))
        return self._sorted

    def arm_expiry(self, backend: Backend) -> None:
        """Keep one timer at the moment the oldest stored event outlives RetentionDays (0: never)."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self._drop_removed()
        keep = retention(self.retention_days)
        if keep is None or not self._by_age:
            return
        try:
            when = self._by_age[0][0] + keep
        except OverflowError:  # expires after the year 9999: never, for a clock
            return

        def expire(due: datetime) -> None:
            with backend.lock:
                if self.timer is not timer:
                    return
                self.timer = None
                self.expire(due - keep)
                self.arm_expiry(backend)

        timer = backend.clock.schedule(when, expire)
        self.timer = timer

    def expire(self, archived_before: datetime) -> None:
        """Drop the events archived at or before ``archived_before``."""
        heap = self._by_age
        dropped = False
        while heap and heap[0][0] <= archived_before:
            _, seq = heapq.heappop(heap)
            stored = self.events.pop(seq, None)
            if stored is not None:
                self.size_bytes -= stored.size
                dropped = True
        if dropped:
            self._sorted = None

    def _drop_removed(self) -> None:
        while self._by_age and self._by_age[0][1] not in self.events:
            heapq.heappop(self._by_age)

    def stop(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def snapshot(self) -> dict[str, Any]:
        return {
            "arn": self.arn,
            "event_source_arn": self.event_source_arn,
            "description": self.description,
            "event_pattern": self.event_pattern,
            "retention_days": self.retention_days,
            "kms_key_identifier": self.kms_key_identifier,
            "state": self.state,
            "creation_time": self.creation_time,
            "event_count": self.event_count,
            "size_bytes": self.size_bytes,
            "events": [jsontext.loads(e.text, max_depth=None) for e in self.by_event_time()],
        }


def archive_arn(region: str, account: str, name: str) -> str:
    return arns.arn(region, account, f"archive/{name}")


def sink_arn(region: str) -> str:
    """The ARN archive rules target: no account, no resource."""
    return f"arn:{arns.partition(region)}:events:{region}:::"


def find(state: RegionState, name: str) -> Archive:
    found = state.archives.get(name)
    if found is None:
        raise not_found(f"Archive {name} does not exist.")
    return found


def _source_bus(ctx: Context, event_source_arn: str) -> EventBus:
    """The caller's bus named by ``event_source_arn``; a bus elsewhere "does not exist" for it."""
    account, region, name = arns.parse_bus(event_source_arn)
    if account is None:
        name = event_source_arn.rsplit("/", 1)[-1]
    bus = ctx.state.buses.get(name)
    if bus is None or account != ctx.account or region != ctx.region:
        raise bus_not_found(name)
    return bus


def _rule_pattern(pattern: str | None) -> str:
    merged = dict(json.loads(pattern)) if pattern is not None else {}
    merged.update(_NOT_REPLAYED)
    return json.dumps(merged, separators=(",", ":"), ensure_ascii=False)


def _put_managed_rule(ctx: Context, bus: EventBus, archive: Archive) -> Rule:
    params = {
        "Name": archive.rule_name,
        "EventPattern": _rule_pattern(archive.event_pattern),
        "State": "ENABLED",
    }
    return rules_ops.put_rule(ctx, bus, params, managed_by=MANAGED_BY)


def store(backend: Backend, rule: Rule, target: Target, event: dict[str, Any]) -> None:
    """The archive sink: store ``event`` into the archive the target's template names, if that
    is still the archive the rule was made for."""
    if "replay-name" in event:
        return
    now = backend.clock.now()
    payload = target.input.render(event, rule_arn=rule.arn, rule_name=rule.name, ingestion_time=now)
    try:
        named = jsontext.loads(payload, max_depth=None)["archive-arn"] if payload is not None else None
    except (ValueError, KeyError, TypeError):
        named = None
    if not isinstance(named, str):
        return
    arn, _, archive_id = named.rpartition(":")
    parts = arns.parse(arn)
    state = backend.regions.get((parts["account"], parts["region"])) if parts else None
    archive = state.archives.get(parts["resource"].split("/", 1)[-1]) if state is not None and parts else None
    if archive is not None and archive.id == archive_id:
        archive.add(backend, event)


# Sinks are found by the target ARN's resource type; arn:aws:events:<region>::: has none.
delivery.SINKS[arns.parse(sink_arn("us-east-1"))["resource"].split("/", 1)[0]] = store


def _summary(archive: Archive) -> dict[str, Any]:
    return {
        "ArchiveName": archive.name,
        "EventSourceArn": archive.event_source_arn,
        "State": archive.state,
        "RetentionDays": archive.retention_days,
        "SizeBytes": archive.size_bytes,
        "EventCount": archive.event_count,
        "CreationTime": archive.creation_time,
    }


@operation("CreateArchive")
def create_archive(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    bus = _source_bus(ctx, params["EventSourceArn"])
    name = params["ArchiveName"]
    state = ctx.state
    if name in state.archives:
        raise already_exists(f"Archive {name} already exists.")
    pattern = params.get("EventPattern")
    if pattern is not None:
        rules_ops.compile_pattern(ctx, pattern)
    archive = Archive(
        name=name,
        arn=archive_arn(ctx.region, ctx.account, name),
        account=ctx.account,
        region=ctx.region,
        bus_name=bus.name,
        event_source_arn=bus.arn,
        creation_time=ctx.now(),
        description=params.get("Description"),
        event_pattern=pattern,
        retention_days=params.get("RetentionDays") or 0,
        kms_key_identifier=params.get("KmsKeyIdentifier"),
        id=ctx.backend.ids.uuid(),
    )
    rule = _put_managed_rule(ctx, bus, archive)
    try:
        put_targets(ctx, rule, [archive.target()])
    except Exception:
        rules_ops.delete_rule(bus, rule)
        raise
    state.archives[name] = archive
    return {"ArchiveArn": archive.arn, "State": archive.state, "CreationTime": archive.creation_time}


@operation("DescribeArchive")
def describe_archive(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    archive = find(ctx.state, params["ArchiveName"])
    out: dict[str, Any] = {"ArchiveArn": archive.arn, "ArchiveName": archive.name}
    out["EventSourceArn"] = archive.event_source_arn
    if archive.description is not None:
        out["Description"] = archive.description
    if archive.event_pattern is not None:
        out["EventPattern"] = archive.event_pattern
    out["State"] = archive.state
    out["RetentionDays"] = archive.retention_days
    out["SizeBytes"] = archive.size_bytes
    out["EventCount"] = archive.event_count
    out["CreationTime"] = archive.creation_time
    if archive.kms_key_identifier is not None:
        out["KmsKeyIdentifier"] = archive.kms_key_identifier
    return out


@operation("ListArchives")
def list_archives(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    pagination.single_filter("ListArchives", params)
    archives = list(ctx.state.archives.values())
    if "EventSourceArn" in params:
        bus = _source_bus(ctx, params["EventSourceArn"])
        archives = [a for a in archives if a.event_source_arn == bus.arn]
    if "NamePrefix" in params:
        archives = [a for a in archives if a.name.startswith(params["NamePrefix"])]
    if "State" in params:
        archives = [a for a in archives if a.state == params["State"]]
    chunk, token = pagination.page(archives, params, key=lambda a: a.name)
    return pagination.with_token({"Archives": [_summary(a) for a in chunk]}, token)


@operation("UpdateArchive")
def update_archive(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    changes = ("EventPattern", "RetentionDays", "Description", "KmsKeyIdentifier")
    if not any(params.get(k) is not None for k in changes):
        raise validation("At least one of EventPattern, RetentionDays or Description must be provided.")
    archive = find(ctx.state, params["ArchiveName"])
    pattern = params.get("EventPattern")
    if pattern is not None:
        rules_ops.compile_pattern(ctx, pattern)
    bus = ctx.state.buses.get(archive.bus_name)
    if pattern is not None:
        archive.event_pattern = pattern
        if bus is not None:
            _put_managed_rule(ctx, bus, archive)
    if params.get("Description") is not None:
        archive.description = params["Description"]
    if params.get("KmsKeyIdentifier") is not None:
        archive.kms_key_identifier = params["KmsKeyIdentifier"]
    if params.get("RetentionDays") is not None:
        archive.retention_days = params["RetentionDays"]
        keep = retention(archive.retention_days)
        if keep is not None:
            try:
                archive.expire(ctx.now() - keep)
            except OverflowError:  # older than the year 1: nothing to expire
                pass
        archive.arm_expiry(ctx.backend)
    return {"ArchiveArn": archive.arn, "State": archive.state, "CreationTime": archive.creation_time}


@operation("DeleteArchive")
def delete_archive(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    state = ctx.state
    archive = find(state, params["ArchiveName"])
    archive.stop()
    del state.archives[archive.name]
    bus = state.buses.get(archive.bus_name)
    rule = bus.rules.get(archive.rule_name) if bus is not None else None
    if bus is not None and rule is not None and rule.managed_by == MANAGED_BY:
        rules_ops.delete_rule(bus, rule)
    return {}


__all__ = ["MANAGED_BY", "Archive", "ArchivedEvent", "archive_arn", "find", "store"]
