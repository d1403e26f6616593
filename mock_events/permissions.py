"""Event bus resource policies: the statements PutPermission writes, and whether one allows a put."""

from __future__ import annotations

import fnmatch
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .resources import EventBus

POLICY_VERSION = "2012-10-17"


def statement(
    bus: EventBus, statement_id: str, action: str, principal: str, condition: dict[str, Any] | None
) -> dict[str, Any]:
    """The statement PutPermission adds, in AWS's shape."""
    who: Any = "*" if principal == "*" else {"AWS": f"arn:aws:iam::{principal}:root"}
    out: dict[str, Any] = {
        "Sid": statement_id,
        "Effect": "Allow",
        "Principal": who,
        "Action": action,
        "Resource": bus.arn,
    }
    if condition is not None:
        out["Condition"] = {condition["Type"]: {condition["Key"]: condition["Value"]}}
    return out


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _principal_matches(principal: Any, account: str) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, dict):
        principal = principal.get("AWS")
    for item in _as_list(principal):
        if item == "*" or item == account or item == f"arn:aws:iam::{account}:root":
            return True
    return False


def _action_matches(action: Any) -> bool:
    return any(fnmatch.fnmatchcase("events:PutEvents", a) for a in _as_list(action) if isinstance(a, str))


def _resource_matches(resource: Any, arn: str) -> bool:
    if resource is None:
        return True
    return any(fnmatch.fnmatchcase(arn, r) for r in _as_list(resource) if isinstance(r, str))


def _condition_holds(condition: Any) -> bool:
    # The mock models no AWS Organizations, so an organization condition is never met.
    return not condition


def allows(bus: EventBus, account: str) -> bool:
    """Whether ``account`` may put events on ``bus``: its own account always may."""
    if account == bus.account:
        return True
    if bus.policy is None:
        return False
    allowed = False
    for st in _as_list(bus.policy.get("Statement", [])):
        if not isinstance(st, dict):
            continue
        if not (
            _principal_matches(st.get("Principal"), account)
            and _action_matches(st.get("Action"))
            and _resource_matches(st.get("Resource"), bus.arn)
            and _condition_holds(st.get("Condition"))
        ):
            continue
        if st.get("Effect") == "Deny":
            return False
        if st.get("Effect") == "Allow":
            allowed = True
    return allowed
