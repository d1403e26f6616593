"""A global endpoint: CREATING or UPDATING until the next call, then ACTIVE."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

_AFTER_PENDING = {"CREATING": "ACTIVE", "UPDATING": "ACTIVE"}


@dataclass(eq=False)
class Endpoint:
    name: str
    arn: str
    endpoint_id: str
    home_region: str
    routing_config: dict[str, Any]
    replication_config: dict[str, Any]
    event_buses: list[dict[str, str]]
    creation_time: datetime
    last_modified_time: datetime
    state: str
    description: str | None = None
    role_arn: str | None = None

    @property
    def url(self) -> str:
        return f"https://{self.endpoint_id}.endpoint.events.amazonaws.com"

    def finish_pending_change(self) -> None:
        """Finish the creation or update begun by an earlier call."""
        self.state = _AFTER_PENDING.get(self.state, self.state)
