"""A connection: its authorization and the secrets API destinations send with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .. import arns

if TYPE_CHECKING:
    from ..service import Backend

_AFTER_PENDING = {"AUTHORIZING": "AUTHORIZED", "DEAUTHORIZING": "DEAUTHORIZED"}


@dataclass(eq=False)
class Connection:
    name: str
    arn: str
    secret_arn: str
    authorization_type: str
    auth_parameters: dict[str, Any]
    """The request's AuthParameters with every secret in it, as last created or updated."""
    creation_time: datetime
    last_modified_time: datetime
    state: str
    description: str | None = None
    kms_key_identifier: str | None = None
    invocation_connectivity: dict[str, Any] | None = None
    last_authorized_time: datetime | None = None
    oauth_token: str | None = None

    def finish_pending_change(self) -> None:
        """Finish an authorization or deauthorization begun by an earlier call."""
        self.state = _AFTER_PENDING.get(self.state, self.state)

    @property
    def authorized(self) -> bool:
        self.finish_pending_change()
        return self.state == "AUTHORIZED"


def by_arn(backend: Backend, arn: str) -> Connection | None:
    """The connection an ARN names, in whichever account and region holds it."""
    parts = arns.parse(arn)
    if parts is None:
        return None
    state = backend.regions.get((parts["account"], parts["region"]))
    name = parts["resource"].split("/")[1] if parts["resource"].count("/") >= 2 else None
    found = state.connections.get(name) if state is not None and name else None
    if found is None or found.arn != arn:
        return None
    found.finish_pending_change()
    return found
