"""An API destination: ACTIVE while its connection is authorized, INACTIVE otherwise (AWS
answered INACTIVE for one whose OAuth connection was still authorizing)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from .. import arns
from . import connections

if TYPE_CHECKING:
    from ..service import Backend

DEFAULT_RATE = 300


@dataclass(eq=False)
class ApiDestination:
    name: str
    arn: str
    connection_arn: str
    invocation_endpoint: str
    http_method: str
    invocation_rate_limit_per_second: int
    creation_time: datetime
    last_modified_time: datetime
    description: str | None = None


def state_of(backend: Backend, destination: ApiDestination) -> str:
    connection = connections.by_arn(backend, destination.connection_arn)
    return "ACTIVE" if connection is not None and connection.authorized else "INACTIVE"


def by_arn(backend: Backend, arn: str) -> ApiDestination | None:
    """The API destination an ARN names, in whichever account and region holds it."""
    parts = arns.parse(arn) or {}
    state = backend.regions.get((parts.get("account", ""), parts.get("region", "")))
    resource = parts.get("resource", "")
    name = resource.split("/")[1] if "/" in resource else ""
    found = state.api_destinations.get(name) if state is not None else None
    return found if found is not None and found.arn == arn else None
