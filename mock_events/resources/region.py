"""Everything one account has in one region."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .. import arns
from .api_destinations import ApiDestination
from .archives import Archive
from .buses import EventBus
from .connections import Connection
from .endpoints import Endpoint
from .partner_sources import EventSource, PartnerEventSource
from .replays import Replay


class RegionState:
    """Everything one account has in one region, by name."""

    def __init__(self, account: str, region: str, now: datetime) -> None:
        self.account = account
        self.region = region
        self.buses: dict[str, EventBus] = {}
        self.archives: dict[str, Archive] = {}
        self.replays: dict[str, Replay] = {}
        self.connections: dict[str, Connection] = {}
        self.api_destinations: dict[str, ApiDestination] = {}
        self.endpoints: dict[str, Endpoint] = {}
        self.partner_event_sources: dict[str, PartnerEventSource] = {}
        self.event_sources: dict[str, EventSource] = {}
        self.add_bus("default", now)

    def add_bus(self, name: str, now: datetime, **fields: Any) -> EventBus:
        bus = EventBus(
            name=name,
            arn=arns.bus_arn(self.region, self.account, name),
            account=self.account,
            region=self.region,
            creation_time=now,
            last_modified_time=now,
            **fields,
        )
        self.buses[name] = bus
        return bus

    @property
    def default_bus(self) -> EventBus:
        return self.buses["default"]
