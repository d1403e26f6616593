"""API destinations: CreateApiDestination, DescribeApiDestination, UpdateApiDestination,
DeleteApiDestination, ListApiDestinations; and the HTTP request a delivery to one would send.

An API destination is ACTIVE while its connection is authorized and INACTIVE otherwise (AWS
answered INACTIVE for one whose OAuth connection was still authorizing).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from .. import arns, jsontext, pagination
from ..errors import ServiceError, already_exists, limit_exceeded, not_found
from ..service import Context, operation
from . import connections

if TYPE_CHECKING:
    from ..resources import Rule, Target
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


def _not_found(name: str, *, describing: bool = False) -> ServiceError:
    prefix = "Failed to describe the api-destination(s). " if describing else ""
    return not_found(f"{prefix}An api-destination '{name}' does not exist.")


def _find(ctx: Context, name: str, *, describing: bool = False) -> ApiDestination:
    found = ctx.state.api_destinations.get(name)
    if found is None:
        raise _not_found(name, describing=describing)
    return found


def _connection(ctx: Context, arn: str) -> connections.Connection:
    found = connections.by_arn(ctx.backend, arn)
    if found is None or arns.parse(arn)["account"] != ctx.account:  # type: ignore[index]
        name = arn.split(":", 5)[5].split("/")[1]
        raise connections.connection_not_found(name)
    return found


def _state(backend: Backend, destination: ApiDestination) -> str:
    connection = connections.by_arn(backend, destination.connection_arn)
    return "ACTIVE" if connection is not None and connection.authorized else "INACTIVE"


def _summary(ctx: Context, destination: ApiDestination) -> dict[str, Any]:
    return {
        "ApiDestinationArn": destination.arn,
        "ApiDestinationState": _state(ctx.backend, destination),
        "CreationTime": destination.creation_time,
        "LastModifiedTime": destination.last_modified_time,
    }


def _listed(ctx: Context, destination: ApiDestination) -> dict[str, Any]:
    return {
        "ApiDestinationArn": destination.arn,
        "Name": destination.name,
        "ApiDestinationState": _state(ctx.backend, destination),
        "ConnectionArn": destination.connection_arn,
        "InvocationEndpoint": destination.invocation_endpoint,
        "HttpMethod": destination.http_method,
        "InvocationRateLimitPerSecond": destination.invocation_rate_limit_per_second,
        "CreationTime": destination.creation_time,
        "LastModifiedTime": destination.last_modified_time,
    }


@operation("CreateApiDestination")
def create_api_destination(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    state = ctx.state
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
    return _summary(ctx, destination)


@operation("DescribeApiDestination")
def describe_api_destination(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    destination = _find(ctx, params["Name"], describing=True)
    out = _listed(ctx, destination)
    if destination.description is not None:
        out["Description"] = destination.description
    return out


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
    return _summary(ctx, destination)


@operation("DeleteApiDestination")
def delete_api_destination(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    destination = _find(ctx, params["Name"])
    del ctx.state.api_destinations[destination.name]
    return {}


@operation("ListApiDestinations")
def list_api_destinations(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    prefix = params.get("NamePrefix", "")
    connection_arn = params.get("ConnectionArn")
    items = [
        d
        for d in ctx.state.api_destinations.values()
        if d.name.startswith(prefix) and connection_arn in (None, d.connection_arn)
    ]
    chunk, token = pagination.page(items, params, key=lambda d: d.name)
    return pagination.with_token({"ApiDestinations": [_listed(ctx, d) for d in chunk]}, token)


# -- delivery -------------------------------------------------------------------------------


def _fill_path(endpoint: str, values: list[str]) -> str:
    """Each ``*`` of the endpoint replaced by the next path parameter value, in order."""
    parts = endpoint.split("*")
    out = parts[0]
    for index, part in enumerate(parts[1:]):
        value = values[index] if index < len(values) else ""
        out += quote(value, safe="") + part
    return out


def _authorization_headers(connection: connections.Connection) -> dict[str, str]:
    auth = connection.auth_parameters
    if connection.authorization_type == "BASIC":
        basic = auth["BasicAuthParameters"]
        token = base64.b64encode(f"{basic['Username']}:{basic['Password']}".encode()).decode()
        return {"Authorization": f"Basic {token}"}
    if connection.authorization_type == "API_KEY":
        api_key = auth["ApiKeyAuthParameters"]
        return {api_key["ApiKeyName"]: api_key["ApiKeyValue"]}
    return {"Authorization": f"Bearer {connection.oauth_token}"}


def http_request_for(backend: Backend, rule: Rule, target: Target, payload: str) -> dict[str, Any]:
    """The HTTP request a delivery of ``payload`` to the API destination ``target`` sends.

    ``method``, ``url`` (path parameters filled, query string appended), ``headers`` and
    ``body``. The connection's invocation parameters come first; the target's HttpParameters
    override those of the same name. When the destination or its connection is gone or not
    authorized, ``error`` says why a real delivery would fail.
    """
    parts = arns.parse(target.arn) or {}
    state = backend.regions.get((parts.get("account", ""), parts.get("region", "")))
    name = parts.get("resource", "").split("/")[1] if "/" in parts.get("resource", "") else ""
    destination = state.api_destinations.get(name) if state is not None else None
    if destination is None or destination.arn != target.arn:
        return {"error": f"An api-destination '{name}' does not exist.", "body": payload}
    http = target.spec.get("HttpParameters") or {}
    headers: dict[str, str] = {"Content-Type": "application/json; charset=utf-8"}
    query: dict[str, str] = {}
    body = payload
    connection = connections.by_arn(backend, destination.connection_arn)
    error = None
    if connection is None:
        error = "The connection of the api-destination does not exist."
    elif not connection.authorized:
        error = f"The connection is {connection.state}, not AUTHORIZED."
    if connection is not None:
        invocation = connection.auth_parameters.get("InvocationHttpParameters") or {}
        for item in invocation.get("HeaderParameters") or ():
            headers[item["Key"]] = item.get("Value", "")
        for item in invocation.get("QueryStringParameters") or ():
            query[item["Key"]] = item.get("Value", "")
        body_parameters = invocation.get("BodyParameters") or ()
        if body_parameters:
            body = _with_body_parameters(payload, body_parameters)
        if error is None:
            headers.update(_authorization_headers(connection))
    headers.update(http.get("HeaderParameters") or {})
    query.update(http.get("QueryStringParameters") or {})
    url = _fill_path(destination.invocation_endpoint, http.get("PathParameterValues") or [])
    if query:
        url += ("&" if "?" in url else "?") + urlencode(query)
    request: dict[str, Any] = {
        "method": destination.http_method,
        "url": url,
        "headers": headers,
        "body": body,
    }
    if error is not None:
        request["error"] = error
    return request


def _with_body_parameters(payload: str, parameters: Any) -> str:
    """The connection's body parameters added to a JSON object payload (others are kept as is)."""
    try:
        value = jsontext.loads(payload, max_depth=None)
    except jsontext.JSONTextError:
        return payload
    if not isinstance(value, dict):
        return payload
    for item in parameters:
        value.setdefault(item["Key"], item.get("Value", ""))
    return jsontext.dumps(value)
