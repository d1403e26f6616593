"""Targets of rules: PutTargets, RemoveTargets, ListTargetsByRule."""

from __future__ import annotations

from typing import Any

from .. import arns, lookup, pagination, target_kinds
from ..errors import ServiceError, invalid_arn, limit_exceeded, validation
from ..resources import Rule, Target
from ..service import Context, operation
from ..transform import TargetInput, TargetInputError

_INPUT_KEYS = ("Input", "InputPath", "InputTransformer")


def build_target(rule: Rule, spec: dict[str, Any]) -> Target:
    """A target compiled for delivery, or AWS's error for a target it refuses."""
    if arns.parse(spec["Arn"]) is None:
        raise invalid_arn(spec["Arn"])
    target_bus = arns.parse_bus(spec["Arn"])
    if target_bus[0] is not None and target_bus[0] != rule.account:
        if any(k in spec for k in _INPUT_KEYS):
            raise validation(
                "Input, InputPath and InputTransformer are not available with PutTarget "
                "if the target is an event bus of a different Amazon Web Services account."
            )
    try:
        compiled = TargetInput.from_target(spec)
    except TargetInputError as error:
        raise ServiceError(error.code, error.message) from None
    return Target(spec=spec, input=compiled)


def put_targets(ctx: Context, rule: Rule, specs: list[dict[str, Any]]) -> None:
    """Insert or replace targets by Id: all of them, or (on any error) none."""
    built = []
    for spec in specs:  # a loop, not a comprehension: one call fewer
        built.append(build_target(rule, spec))
    quota = ctx.backend.quotas["targets_per_rule"]
    if len(rule.targets) + len(built) > quota and len(rule.targets.keys() | {t.id for t in built}) > quota:
        raise limit_exceeded()
    for target in built:
        rule.targets[target.spec["Id"]] = target


@operation("PutTargets")
def put_targets_operation(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    rule = lookup.rule(
        ctx, params["Rule"], params.get("EventBusName"),
        action="events:PutTargets", keys=lambda: {"events:TargetArn": [t["Arn"] for t in params["Targets"]]},
    )
    if rule.managed_by is not None:
        lookup.refuse_managed(rule)
    for spec in params["Targets"]:
        target_kinds.check(spec)
    put_targets(ctx, rule, params["Targets"])
    return {"FailedEntryCount": 0, "FailedEntries": []}


@operation("RemoveTargets")
def remove_targets(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    rule = lookup.rule(ctx, params["Rule"], params.get("EventBusName"), action="events:RemoveTargets")
    lookup.refuse_managed(rule, force=bool(params.get("Force")))
    for target_id in params["Ids"]:
        rule.targets.pop(target_id, None)
    return {"FailedEntryCount": 0, "FailedEntries": []}


@operation("ListTargetsByRule")
def list_targets_by_rule(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    rule = lookup.rule(ctx, params["Rule"], params.get("EventBusName"), action="events:ListTargetsByRule")
    chunk, token = pagination.page(list(rule.targets.values()), params, key=lambda t: t.id)
    return pagination.with_token({"Targets": [dict(t.spec) for t in chunk]}, token)
