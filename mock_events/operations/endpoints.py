"""Global endpoints: CreateEndpoint, DescribeEndpoint, UpdateEndpoint, DeleteEndpoint,
ListEndpoints; and the bus PutEvents with an EndpointId puts events on.

An endpoint answers CREATING (or UPDATING) and is ACTIVE from the next call on. Events sent
through it go to the primary Region's bus: the mock has no Route 53 health checks, so it never
fails over, and it does not replicate events to the secondary Region.
"""

from __future__ import annotations

import copy
import string
from typing import Any

from .. import arns, pagination
from ..errors import (
    ServiceError,
    already_exists,
    bus_not_found,
    limit_exceeded,
    not_found,
    validation,
)
from ..ids import Ids
from ..resources import EventBus
from ..resources.endpoints import Endpoint
from ..responses import present, project
from ..service import Context, operation

def _not_found(name: str) -> ServiceError:
    return not_found(f"Endpoint {name} does not exist.")


def _new_id(ids: Ids) -> str:
    return ids.characters(string.ascii_lowercase, 5) + "." + ids.characters(string.ascii_lowercase + string.digits, 3)


def _check_buses(home_region: str, buses: list[dict[str, str]], routing: dict[str, Any] | None) -> None:
    parsed = [arns.parse_bus(b["EventBusArn"]) for b in buses]
    names = {name for _, _, name in parsed}
    if len(names) != 1:
        raise validation("Parameter EventBuses is not valid. Reason: The event buses must have the same name.")
    regions = [region for _, region, _ in parsed]
    if len(set(regions)) != 2:
        raise validation("Parameter EventBuses is not valid. Reason: The event buses must be in different Regions.")
    if home_region not in regions:
        raise validation(
            f"Parameter EventBuses is not valid. Reason: One event bus must be in the Region {home_region}."
        )
    if routing is not None:
        secondary = routing["FailoverConfig"]["Secondary"]["Route"]
        other = next(r for r in regions if r != home_region)
        if secondary != other:
            raise validation(
                "Parameter RoutingConfig is not valid. Reason: The secondary Route must be the Region "
                "of the second event bus."
            )


def _find(ctx: Context, name: str, home_region: str | None = None) -> tuple[dict[str, Endpoint], Endpoint]:
    state = ctx.backend.region(ctx.account, home_region) if home_region else ctx.resources
    found = state.endpoints.get(name)
    if found is None:
        raise _not_found(name)
    found.finish_pending_change()
    return state.endpoints, found


def describe(endpoint: Endpoint) -> dict[str, Any]:
    """The endpoint as DescribeEndpoint answers it; other operations answer a projection of it."""
    return present({
        "Name": endpoint.name,
        "Description": endpoint.description,
        "Arn": endpoint.arn,
        "RoutingConfig": copy.deepcopy(endpoint.routing_config),
        "ReplicationConfig": dict(endpoint.replication_config),
        "EventBuses": copy.deepcopy(endpoint.event_buses),
        "RoleArn": endpoint.role_arn,
        "EndpointId": endpoint.endpoint_id,
        "EndpointUrl": endpoint.url,
        "State": endpoint.state,
        "CreationTime": endpoint.creation_time,
        "LastModifiedTime": endpoint.last_modified_time,
    })


@operation("CreateEndpoint")
def create_endpoint(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    state = ctx.resources
    name = params["Name"]
    _check_buses(ctx.region, params["EventBuses"], params["RoutingConfig"])
    if name in state.endpoints:
        raise already_exists(f"Endpoint {name} already exists.")
    if len(state.endpoints) >= ctx.backend.quotas["endpoints"]:
        raise limit_exceeded()
    now = ctx.now()
    endpoint = Endpoint(
        name=name,
        arn=arns.arn(state.region, state.account, f"endpoint/{name}"),
        endpoint_id=_new_id(ctx.backend.ids),
        home_region=ctx.region,
        routing_config=copy.deepcopy(params["RoutingConfig"]),
        replication_config=dict(params.get("ReplicationConfig") or {"State": "ENABLED"}),
        event_buses=copy.deepcopy(params["EventBuses"]),
        creation_time=now,
        last_modified_time=now,
        state="CREATING",
        description=params.get("Description"),
        role_arn=params.get("RoleArn"),
    )
    state.endpoints[name] = endpoint
    return project(describe(endpoint), "CreateEndpoint")


@operation("DescribeEndpoint")
def describe_endpoint(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    _, endpoint = _find(ctx, params["Name"], params.get("HomeRegion"))
    return describe(endpoint)


@operation("UpdateEndpoint")
def update_endpoint(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    _, endpoint = _find(ctx, params["Name"])
    buses = params.get("EventBuses", endpoint.event_buses)
    routing = params.get("RoutingConfig", endpoint.routing_config)
    _check_buses(endpoint.home_region, buses, routing)
    endpoint.event_buses = copy.deepcopy(buses)
    endpoint.routing_config = copy.deepcopy(routing)
    if "ReplicationConfig" in params:
        endpoint.replication_config = dict(params["ReplicationConfig"])
    if "Description" in params:
        endpoint.description = params["Description"]
    if "RoleArn" in params:
        endpoint.role_arn = params["RoleArn"]
    endpoint.last_modified_time = ctx.now()
    endpoint.state = "UPDATING"
    return project(describe(endpoint), "UpdateEndpoint")


@operation("DeleteEndpoint")
def delete_endpoint(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    endpoints, endpoint = _find(ctx, params["Name"])
    del endpoints[endpoint.name]
    return {}


@operation("ListEndpoints")
def list_endpoints(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    home = params.get("HomeRegion")
    state = ctx.backend.region(ctx.account, home) if home else ctx.resources
    prefix = params.get("NamePrefix", "")
    items = [e for e in state.endpoints.values() if e.name.startswith(prefix)]
    for endpoint in items:
        endpoint.finish_pending_change()
    chunk, token = pagination.page(items, params, key=lambda e: e.name, limit_key="MaxResults")
    listed = [project(describe(e), "ListEndpoints", list_key="Endpoints") for e in chunk]
    return pagination.with_token({"Endpoints": listed}, token)


def find_by_id(ctx: Context, endpoint_id: str) -> Endpoint | None:
    """The caller's endpoint with this EndpointId, in whichever Region is its home."""
    for (account, _), state in list(ctx.backend.regions.items()):
        if account != ctx.account:
            continue
        for endpoint in state.endpoints.values():
            if endpoint.endpoint_id == endpoint_id:
                endpoint.finish_pending_change()
                return endpoint
    return None


def primary_bus(ctx: Context, endpoint_id: str) -> EventBus:
    """The bus of the endpoint's home (primary) Region, which PutEvents through it reaches."""
    endpoint = find_by_id(ctx, endpoint_id)
    if endpoint is None:
        raise _not_found(endpoint_id)
    for bus in endpoint.event_buses:
        account, region, name = arns.parse_bus(bus["EventBusArn"])
        if region == endpoint.home_region:
            state = ctx.backend.region(account or ctx.account, region)
            found = state.buses.get(name)
            if found is None:
                raise bus_not_found(name)
            return found
    raise bus_not_found(endpoint.name)  # unreachable: _check_buses keeps one bus at home
