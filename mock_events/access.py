"""Acting on another account's event bus: allowed only where the bus's resource policy allows it.

APIs that take an event bus name also take its ARN, so one account can create and manage rules
on another account's bus "without needing to assume a role", where that bus's resource policy
allows the action (docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html).
The example policies there grant ``events:PutRule``, ``events:PutTargets``, ... on
``arn:aws:events:<region>:<owner>:rule/<bus>/*`` under conditions on ``events:creatorAccount``
(the account that created the rule) and ``events:source`` (the sources of the rule's pattern).
Otherwise AWS answers ``AccessDeniedException`` in IAM's words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Union

from . import arns, jsontext, permissions
from .errors import ServiceError
from .resources import EventBus, Rule
from .service import Context


def access_denied(ctx: Context, action: str, resource: str, decision: permissions.Decision) -> ServiceError:
    """IAM's refusal, as AWS words it for a resource-based policy."""
    why = (
        "with an explicit deny in a resource-based policy"
        if decision == "Deny"
        else f"because no resource-based policy allows the {action} action"
    )
    principal = f"arn:{arns.partition(ctx.region)}:iam::{ctx.account}:root"
    return ServiceError(
        "AccessDeniedException",
        f"User: {principal} is not authorized to perform: {action} on resource: {resource} {why}",
    )


def require(
    ctx: Context,
    bus: EventBus,
    action: str,
    resource: str | None = None,
    keys: dict[str, list[str]] | None = None,
) -> None:
    """Raise AccessDeniedException unless the caller owns ``bus`` or its policy allows ``action``."""
    if bus.account == ctx.account:
        return
    decision = permissions.evaluate(bus, ctx.account, action, resource, keys)
    if decision != "Allow":
        raise access_denied(ctx, action, resource or bus.arn, decision)


def pattern_keys(pattern_text: str | None) -> dict[str, list[str]]:
    """``events:source`` and ``events:detail-type``: the plain values a rule's pattern names."""
    try:
        pattern = jsontext.loads(pattern_text, max_depth=None) if pattern_text else None
    except jsontext.JSONTextError:
        pattern = None
    if not isinstance(pattern, dict):
        return {}
    keys: dict[str, list[str]] = {}
    for field, key in (("source", "events:source"), ("detail-type", "events:detail-type")):
        listed = pattern.get(field)
        values = [v for v in listed if isinstance(v, str)] if isinstance(listed, list) else []
        if values:
            keys[key] = values
    return keys


ConditionKeys = Union[dict[str, list[str]], Callable[[], dict[str, list[str]]]]
"""Condition keys of a request, or a function giving them (called only where a policy is asked)."""


def require_on_rule(
    ctx: Context,
    bus: EventBus,
    name: str,
    rule: Rule | None,
    action: str,
    *,
    pattern_text: str | None = None,
    extra: ConditionKeys | None = None,
) -> None:
    """The check for an operation on the rule ``name`` of ``bus`` (``rule`` None: not there yet).

    ``pattern_text`` is the pattern the request puts (PutRule; ``""`` for none); otherwise (None)
    the rule's own.
    """
    if bus.account == ctx.account:
        return
    keys = pattern_keys(pattern_text if pattern_text is not None else rule.event_pattern if rule else None)
    if rule is not None:
        keys["events:creatorAccount"] = [rule.created_by]
    if extra:
        keys.update(extra() if callable(extra) else extra)
    require(ctx, bus, action, arns.rule_arn(bus.region, bus.account, bus.name, name), keys)
