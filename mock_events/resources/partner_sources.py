"""Partner event sources: the partner's side and the receiving account's side."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from .. import arns

if TYPE_CHECKING:
    from .region import RegionState

@dataclass(eq=False)
class PartnerEventSource:
    """The partner's side: one name offered to one or more accounts."""

    name: str
    arn: str
    accounts: dict[str, datetime] = field(default_factory=dict)
    """Receiving account -> when the source was offered to it."""


@dataclass(eq=False)
class EventSource:
    """The receiving account's side of a partner event source."""

    name: str
    arn: str
    created_by: str
    partner_account: str
    creation_time: datetime
    deactivated: bool = False
    deleted: bool = False


def source_arn(region: str, name: str) -> str:
    """Event source ARNs carry no account: ``arn:aws:events:<region>::event-source/<name>``."""
    return arns.arn(region, "", f"event-source/{name}")


def state_of(state: RegionState, source: EventSource) -> str:
    if source.deleted:
        return "DELETED"
    bus = state.buses.get(source.name)
    if bus is not None and bus.event_source_name == source.name and not source.deactivated:
        return "ACTIVE"
    return "PENDING"
