"""API destinations: CreateApiDestination, DescribeApiDestination, UpdateApiDestination,
DeleteApiDestination, ListApiDestinations; and the HTTP request a delivery to one would send.

An API destination is ACTIVE while its connection is authorized and INACTIVE otherwise (AWS
answered INACTIVE for one whose OAuth connection was still authorizing).
"""

from __future__ import annotations

from typing import Any

from .. import arns, pagination
from ..errors import ServiceError, already_exists, limit_exceeded, not_found
from ..resources import connections as connection_resources
from ..resources.api_destinations import DEFAULT_RATE, ApiDestination, state_of
from ..resources.connections import Connection
from ..responses import present, project
from ..service import Context, operation
from . import connections

def _not_found(name: str, *, describing: bool = False) -> ServiceError:
    prefix = "Failed to describe the api-destination(s). " if describing else ""
    return not_found(f"{prefix}An api-destination '{name}' does not exist.")


def _find(ctx: Context, name: str, *, describing: bool = False) -> ApiDestination:
    found = ctx.resources.api_destinations.get(name)
    if found is None:
        raise _not_found(name, describing=describing)
    return found


def _connection(ctx: Context, arn: str) -> Connection:
    found = connection_resources.by_arn(ctx.backend, arn)
    if found is None or arns.parse(arn)["account"] != ctx.account:  # type: ignore[index]
        name = arn.split(":", 5)[5].split("/")[1]
        raise connections.connection_not_found(name)
    return found


def describe(ctx: Context, destination: ApiDestination) -> dict[str, Any]:
    """The API destination as DescribeApiDestination answers it; other operations answer a
    projection of it."""
    return present({
        "ApiDestinationArn": destination.arn,
        "Name": destination.name,
        "Description": destination.description,
        "ApiDestinationState": state_of(ctx.backend, destination),
        "ConnectionArn": destination.connection_arn,
        "InvocationEndpoint": destination.invocation_endpoint,
        "HttpMethod": destination.http_method,
        "InvocationRateLimitPerSecond": destination.invocation_rate_limit_per_second,
        "CreationTime": destination.creation_time,
        "LastModifiedTime": destination.last_modified_time,
    })


@operation("CreateApiDestination")
def create_api_destination(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    state = ctx.resources
    name = params["Name"]
    if name in state.api_destinations:
        raise already_exists(f"An api-destination '{name}' already exists.")
    _connection(ctx, params["ConnectionArn"])
    if len(state.api_destinations) >= ctx.backend.quotas["api_destinations"]:
        raise limit_exceeded()
    now = ctx.now()
    destination = ApiDestination(
        name=name,
        arn=arns.arn(state.region, state.account, f"api-destination/{name}/{ctx.backend.ids.uuid()}"),
        connection_arn=params["ConnectionArn"],
        invocation_endpoint=params["InvocationEndpoint"],
        http_method=params["HttpMethod"],
        invocation_rate_limit_per_second=params.get("InvocationRateLimitPerSecond", DEFAULT_RATE),
        creation_time=now,
        last_modified_time=now,
        description=params.get("Description"),
    )
    state.api_destinations[name] = destination
    return project(describe(ctx, destination), "CreateApiDestination")


@operation("DescribeApiDestination")
def describe_api_destination(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    destination = _find(ctx, params["Name"], describing=True)
    return describe(ctx, destination)


@operation("UpdateApiDestination")
def update_api_destination(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    destination = _find(ctx, params["Name"])
    if "ConnectionArn" in params:
        _connection(ctx, params["ConnectionArn"])
        destination.connection_arn = params["ConnectionArn"]
    if "Description" in params:
        destination.description = params["Description"]
    if "InvocationEndpoint" in params:
        destination.invocation_endpoint = params["InvocationEndpoint"]
    if "HttpMethod" in params:
        destination.http_method = params["HttpMethod"]
    if "InvocationRateLimitPerSecond" in params:
        destination.invocation_rate_limit_per_second = params["InvocationRateLimitPerSecond"]
    destination.last_modified_time = ctx.now()
    return project(describe(ctx, destination), "UpdateApiDestination")


@operation("DeleteApiDestination")
def delete_api_destination(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    destination = _find(ctx, params["Name"])
    del ctx.resources.api_destinations[destination.name]
    return {}


@operation("ListApiDestinations")
def list_api_destinations(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    prefix = params.get("NamePrefix", "")
    connection_arn = params.get("ConnectionArn")
    items = [
        d
        for d in ctx.resources.api_destinations.values()
        if d.name.startswith(prefix) and connection_arn in (None, d.connection_arn)
    ]
    chunk, token = pagination.page(items, params, key=lambda d: d.name)
    return pagination.with_token({"ApiDestinations": [project(describe(ctx, d), "ListApiDestinations", list_key="ApiDestinations") for d in chunk]}, token)


