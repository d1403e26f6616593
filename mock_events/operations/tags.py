"""Tags on rules and event buses: TagResource, UntagResource, ListTagsForResource."""

from __future__ import annotations

from typing import Any

from .. import access, arns, lookup
from ..errors import ServiceError, invalid_arn, limit_exceeded
from ..service import Context, operation


def tags_from_request(ctx: Context, tags: list[dict[str, str]]) -> dict[str, str]:
    out = {t["Key"]: t["Value"] for t in tags}
    if len(out) > ctx.backend.quotas["tags_per_resource"]:
        raise limit_exceeded()
    return out


def _tags_of(ctx: Context, resource_arn: str, action: str, *, modify: bool = False) -> dict[str, str]:
    parts = arns.parse(resource_arn)
    if parts is None or parts["service"] != "events":
        raise invalid_arn(resource_arn)
    state = lookup.existing_state(ctx, parts["account"] or ctx.account, parts["region"] or ctx.region)
    kind, _, path = parts["resource"].partition("/")
    if kind == "event-bus":
        bus = state.buses.get(path) if state is not None else None
        if bus is None:
            raise ServiceError("ResourceNotFoundException", f"Event bus {path} does not exist.")
        access.require(ctx, bus, action)
        return bus.tags
    if kind == "rule":
        bus_name, _, rule_name = path.rpartition("/")
        bus_name = bus_name or "default"
        bus = state.buses.get(bus_name) if state is not None else None
        rule = bus.rules.get(rule_name) if bus is not None else None
        if bus is not None:
            access.require_on_rule(ctx, bus, rule_name, rule, action)
        if rule is None:
            raise lookup.rule_not_found(rule_name, bus_name)
        if modify:
            lookup.refuse_managed(rule)
        return rule.tags
    raise invalid_arn(resource_arn)  # EventBridge tags only rules and buses


@operation("TagResource")
def tag_resource(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    tags = _tags_of(ctx, params["ResourceARN"], "events:TagResource", modify=True)
    new = {t["Key"]: t["Value"] for t in params["Tags"]}
    if len(tags.keys() | new.keys()) > ctx.backend.quotas["tags_per_resource"]:
        raise limit_exceeded()
    tags.update(new)
    return {}


@operation("UntagResource")
def untag_resource(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    tags = _tags_of(ctx, params["ResourceARN"], "events:UntagResource", modify=True)
    for key in params["TagKeys"]:
        tags.pop(key, None)
    return {}


@operation("ListTagsForResource")
def list_tags_for_resource(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    tags = _tags_of(ctx, params["ResourceARN"], "events:ListTagsForResource")
    return {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}
