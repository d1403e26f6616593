"""A replay: its window of event time, its status and how far it got."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .. import arns
from ..clock import TimerSlot
from .archives import ArchivedEvent

MINUTE = timedelta(minutes=1)
ACTIVE = ("STARTING", "RUNNING")
IMMEDIATE, CLOCK = "immediate", "clock"


@dataclass(eq=False)
class Replay:
    name: str
    arn: str
    account: str
    region: str
    event_source_arn: str
    destination: dict[str, Any]
    bus_name: str
    event_start: datetime
    event_end: datetime
    replay_start: datetime
    description: str | None = None
    state: str = "STARTING"
    state_reason: str | None = None
    replay_end: datetime | None = None
    last_replayed: datetime | None = None
    pending: list[ArchivedEvent] = field(default_factory=list)
    cursor: int = 0
    timer: TimerSlot = field(default_factory=TimerSlot)

    @property
    def slices(self) -> int:
        """How many one-minute slices of event time the window spans."""
        return max(1, -(-(self.event_end - self.event_start) // MINUTE))

    def progress(self, now: datetime) -> datetime | None:
        """EventLastReplayedTime: the end of the event time replayed so far (None before any)."""
        if self.state != "RUNNING":
            return self.last_replayed
        done = (now - self.replay_start) // MINUTE
        if done < 1:
            return self.last_replayed
        return self.window_until(done)

    def window_until(self, minutes: int) -> datetime:
        """The end of the first ``minutes`` one-minute slices of the window (never past its end,
        so never past the year 9999)."""
        if minutes * MINUTE >= self.event_end - self.event_start:
            return self.event_end
        return self.event_start + minutes * MINUTE

    def snapshot(self) -> dict[str, Any]:
        return {
            "arn": self.arn,
            "event_source_arn": self.event_source_arn,
            "destination": json.loads(json.dumps(self.destination)),
            "description": self.description,
            "state": self.state,
            "event_start": self.event_start,
            "event_end": self.event_end,
            "replay_start": self.replay_start,
            "replay_end": self.replay_end,
            "last_replayed": self.last_replayed,
            "events_replayed": self.cursor,
            "events_in_window": len(self.pending),
        }


def replay_arn(region: str, account: str, name: str) -> str:
    return arns.arn(region, account, f"replay/{name}")
