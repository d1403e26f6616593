"""Event bus policies: PutPermission, RemovePermission (DescribeEventBus shows the Policy)."""

from __future__ import annotations

import json
from typing import Any

from .. import jsontext, lookup, permissions
from ..errors import ServiceError, not_found, validation
from ..service import Context, operation


def _size(policy: dict[str, Any]) -> int:
    return len(json.dumps(policy, separators=(",", ":")))


@operation("PutPermission")
def put_permission(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    bus = lookup.bus(ctx, params.get("EventBusName"), action="events:PutPermission")
    if "Policy" in params:
        try:
            policy = jsontext.loads(params["Policy"])
        except jsontext.JSONTextError:
            raise validation("Policy is not valid JSON.") from None
        statements = policy.get("Statement", []) if isinstance(policy, dict) else None
        if isinstance(statements, dict):
            statements = [statements]
        if not isinstance(statements, list) or not all(isinstance(st, dict) for st in statements):
            raise validation("Policy is not valid.")
        policy = {**policy, "Statement": statements}
    else:
        missing = [k for k in ("Action", "Principal", "StatementId") if not params.get(k)]
        if missing:
            raise validation(
                "Parameter(s) Action, Principal and StatementId must be specified when Policy is not."
            )
        policy = dict(bus.policy or {"Version": permissions.POLICY_VERSION, "Statement": []})
        statements = [s for s in policy["Statement"] if s.get("Sid") != params["StatementId"]]
        statements.append(
            permissions.statement(
                bus, params["StatementId"], params["Action"], params["Principal"], params.get("Condition")
            )
        )
        policy["Statement"] = statements
    if _size(policy) > ctx.backend.quotas["policy_size"]:
        raise ServiceError(
            "PolicyLengthExceededException", "Policy size would be larger than the maximum allowed."
        )
    bus.policy = policy
    return {}


@operation("RemovePermission")
def remove_permission(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    bus = lookup.bus(ctx, params.get("EventBusName"), action="events:RemovePermission")
    if params.get("RemoveAllPermissions"):
        bus.policy = None
        return {}
    sid = params.get("StatementId")
    if not sid:
        raise validation("Parameter StatementId must be specified when RemoveAllPermissions is not true.")
    statements = (bus.policy or {}).get("Statement", [])
    kept = [s for s in statements if s.get("Sid") != sid]
    if len(kept) == len(statements):
        raise not_found("Statement with the provided id does not exist.")
    policy = dict(bus.policy or {})
    policy["Statement"] = kept
    bus.policy = policy if kept else None
    return {}
