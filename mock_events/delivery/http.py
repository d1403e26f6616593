"""The HTTP request a delivery to an API destination would send (never sent: recorded)."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from .. import jsontext
from ..resources import api_destinations, connections
from ..resources.connections import Connection

if TYPE_CHECKING:
    from ..resources import Target
    from ..service import Backend


def _fill_path(endpoint: str, values: list[str]) -> str:
    """Each ``*`` of the endpoint replaced by the next path parameter value, in order."""
    parts = endpoint.split("*")
    out = parts[0]
    for index, part in enumerate(parts[1:]):
        value = values[index] if index < len(values) else ""
        out += quote(value, safe="") + part
    return out


def _authorization_headers(connection: Connection) -> dict[str, str]:
    auth = connection.auth_parameters
    if connection.authorization_type == "BASIC":
        basic = auth["BasicAuthParameters"]
        token = base64.b64encode(f"{basic['Username']}:{basic['Password']}".encode()).decode()
        return {"Authorization": f"Basic {token}"}
    if connection.authorization_type == "API_KEY":
        api_key = auth["ApiKeyAuthParameters"]
        return {api_key["ApiKeyName"]: api_key["ApiKeyValue"]}
    return {"Authorization": f"Bearer {connection.oauth_token}"}


def request_for(backend: Backend, target: Target, payload: str) -> dict[str, Any]:
    """The HTTP request a delivery of ``payload`` to the API destination ``target`` sends.

    ``method``, ``url`` (path parameters filled, query string appended), ``headers`` and
    ``body``. The connection's invocation parameters come first; the target's HttpParameters
    override those of the same name. When the destination or its connection is gone or not
    authorized, ``error`` says why a real delivery would fail.
    """
    destination = api_destinations.by_arn(backend, target.arn)
    if destination is None:
        resource = target.arn.split(":", 5)[-1]
        name = resource.split("/")[1] if "/" in resource else ""
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
