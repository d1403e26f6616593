"""An archive: the events it stored, their retention, and the managed rule that feeds it.

The managed rule, ``Events-Archive-<name>``, targets ``arn:aws:events:<region>:::`` with an
InputTransformer whose template names the archive (see ``Archive.target``); the archive sink of
``delivery`` renders it and stores the event into the archive it names.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from .. import arns, jsontext
from ..clock import TIME_FORMAT, TimerSlot

if TYPE_CHECKING:
    from ..service import Backend

MANAGED_BY = "prod.vhs.events.aws.internal"
RULE_PREFIX = "Events-Archive-"



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
    timer: TimerSlot = field(default_factory=TimerSlot)
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
        when = datetime.strptime(event["time"], TIME_FORMAT).replace(tzinfo=now.tzinfo)
        stored = ArchivedEvent(time=when, archived_at=now, text=text, seq=backend.ids.serial())
        self.events[stored.seq] = stored
        self.size_bytes += stored.size
        heapq.heappush(self._by_age, (now, stored.seq))
        self._sorted = None
        if self.retention_days and (not self.timer.armed or self._by_age[0][1] == stored.seq):
            self.arm_expiry(backend)

    def by_event_time(self) -> list[ArchivedEvent]:
        """The stored events ordered by event time (then by arrival)."""
        if self._sorted is None:
            self._sorted = sorted(self.events.values(), key=lambda e: (e.time, e.seq))
        return self._sorted

    def arm_expiry(self, backend: Backend) -> None:
        """Keep one timer at the moment the oldest stored event outlives RetentionDays (0: never)."""
        self.timer.cancel()
        self._drop_removed()
        keep = retention(self.retention_days)
        if keep is None or not self._by_age:
            return
        try:
            when = self._by_age[0][0] + keep
        except OverflowError:  # expires after the year 9999: never, for a clock
            return

        def expire(due: datetime) -> None:
            self.expire(due - keep)
            self.arm_expiry(backend)

        self.timer.arm(backend.clock, when, expire, run=backend.run)

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
        self.timer.cancel()

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
