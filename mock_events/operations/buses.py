"""Event buses: CreateEventBus, DescribeEventBus, UpdateEventBus, DeleteEventBus, ListEventBuses."""

from __future__ import annotations

import json
from typing import Any

from .. import lookup, pagination
from ..errors import already_exists, limit_exceeded, validation
from ..resources import EventBus
from ..responses import present, project
from ..service import Context, operation
from .tags import tags_from_request

def describe(bus: EventBus) -> dict[str, Any]:
    """The bus as DescribeEventBus answers it; other operations answer a projection of it."""
    return present({
        "Name": bus.name,
        "Arn": bus.arn,
        "Description": bus.description,
        "KmsKeyIdentifier": bus.kms_key_identifier,
        "DeadLetterConfig": bus.dead_letter_config,
        "Policy": None if bus.policy is None else json.dumps(bus.policy, separators=(",", ":")),
        "LogConfig": bus.log_config,
        "CreationTime": bus.creation_time,
        "LastModifiedTime": bus.last_modified_time,
    })


@operation("CreateEventBus")
def create_event_bus(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    state = ctx.resources
    name = params["Name"]
    source_name = params.get("EventSourceName")
    if source_name is not None:
        if source_name != name:
            raise validation("Event bus name must match the event source name.")
        from .partner_sources import check_bus_creation

        check_bus_creation(state, source_name)
    elif name.startswith("aws."):
        # AWS's words: hashicorp/terraform-provider-aws#35065 (a partner bus put without its source).
        raise validation("EventBus name starting with 'aws.' is not valid.")
    elif "/" in name:
        raise validation("Event bus name must not contain '/'.")
    if name in state.buses:
        raise already_exists(f"Event bus {name} already exists.")
    if len(state.buses) >= ctx.backend.quotas["event_buses"]:
        raise limit_exceeded()
    tags = tags_from_request(ctx, params.get("Tags", []))
    bus = state.add_bus(
        name,
        ctx.now(),
        description=params.get("Description"),
        kms_key_identifier=params.get("KmsKeyIdentifier"),
        dead_letter_config=params.get("DeadLetterConfig"),
        log_config=params.get("LogConfig"),
        event_source_name=source_name,
        tags=tags,
    )
    # CreateEventBus names the bus's ARN EventBusArn.
    return project({"EventBusArn": bus.arn, **describe(bus)}, "CreateEventBus")


@operation("DescribeEventBus")
def describe_event_bus(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return describe(lookup.bus(ctx, params.get("Name"), action="events:DescribeEventBus"))


@operation("UpdateEventBus")
def update_event_bus(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    bus = lookup.bus(ctx, params.get("Name"), action="events:UpdateEventBus")
    if "Description" in params:
        bus.description = params["Description"]
    if "KmsKeyIdentifier" in params:
        bus.kms_key_identifier = params["KmsKeyIdentifier"] or None
    if "DeadLetterConfig" in params:
        bus.dead_letter_config = params["DeadLetterConfig"] or None
    if "LogConfig" in params:
        bus.log_config = params["LogConfig"] or None
    bus.last_modified_time = ctx.now()
    return project(describe(bus), "UpdateEventBus")


@operation("DeleteEventBus")
def delete_event_bus(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    name = params["Name"]
    if name == "default":
        raise validation("Cannot delete event bus default.")
    bus = ctx.resources.buses.pop(name, None)
    if bus is not None:
        for rule in bus.rules.values():
            rule.timer.cancel()
    return {}


@operation("ListEventBuses")
def list_event_buses(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    prefix = params.get("NamePrefix", "")
    buses = [b for b in ctx.resources.buses.values() if b.name.startswith(prefix)]
    chunk, token = pagination.page(buses, params, key=lambda b: b.name)
    listed = [project(describe(b), "ListEventBuses", list_key="EventBuses") for b in chunk]
    return pagination.with_token({"EventBuses": listed}, token)
