"""Connections: CreateConnection, DescribeConnection, UpdateConnection, DeleteConnection,
ListConnections, DeauthorizeConnection.

Secrets (passwords, API key values, client secrets, parameters marked ``IsValueSecret``) are
kept for the requests API destinations send and never answered back. BASIC and API_KEY
connections are AUTHORIZED at once; OAUTH_CLIENT_CREDENTIALS ones answer AUTHORIZING and are
AUTHORIZED from the next call on (the mock's token endpoint always grants a token), and
DEAUTHORIZING becomes DEAUTHORIZED the same way.
"""

from __future__ import annotations

import copy
import string
import uuid
from datetime import datetime
from typing import Any

from .. import arns, model, pagination
from ..errors import ServiceError, already_exists, limit_exceeded, not_found, validation
from ..ids import Ids
from ..resources import RegionState
from ..resources.connections import Connection
from ..responses import present, project
from ..service import Context, operation

_AUTH_KEYS = {
    "BASIC": "BasicAuthParameters",
    "API_KEY": "ApiKeyAuthParameters",
    "OAUTH_CLIENT_CREDENTIALS": "OAuthParameters",
}
def connection_not_found(name: str) -> ServiceError:
    return not_found(f"Connection '{name}' does not exist.")


def _secret_arn(state: RegionState, ids: Ids, name: str) -> str:
    suffix = ids.characters(string.ascii_letters + string.digits, 6)
    return arns.arn(
        state.region, state.account, f"secret:events!connection/{name}/{ids.uuid()}-{suffix}",
        service="secretsmanager",
    )


def find(ctx: Context, name: str, *, describing: bool = False) -> Connection:
    found = ctx.resources.connections.get(name)
    if found is None:
        if describing:
            raise not_found(
                f"Failed to describe the connection(s). Connection '{name}' does not exist."
            )
        raise connection_not_found(name)
    found.finish_pending_change()
    return found


def _check_auth(authorization_type: str, auth: dict[str, Any]) -> None:
    wanted = _AUTH_KEYS[authorization_type]
    given = [key for key in _AUTH_KEYS.values() if key in auth]
    if wanted not in given:
        raise validation(
            f"Parameter AuthParameters is not valid. Reason: {wanted} must be specified "
            f"for authorization type {authorization_type}."
        )
    if len(given) > 1:
        raise validation(
            "Parameter AuthParameters is not valid. Reason: only one of BasicAuthParameters, "
            "OAuthParameters and ApiKeyAuthParameters may be specified."
        )


def _merge(old: Any, new: Any) -> Any:
    """An update's structure laid over the stored one: members it gives replace, others stay."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = dict(old)
        for key, value in new.items():
            out[key] = _merge(old.get(key), value)
        return out
    return copy.deepcopy(new)


def _public_http_parameters(params: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind, items in params.items():
        shown = []
        for item in items:
            item = dict(item)
            if item.get("IsValueSecret"):
                item.pop("Value", None)
            shown.append(item)
        out[kind] = shown
    return out


def _public_auth(connection: Connection) -> dict[str, Any]:
    auth = connection.auth_parameters
    out: dict[str, Any] = {}
    basic = auth.get("BasicAuthParameters")
    if basic is not None:
        out["BasicAuthParameters"] = {"Username": basic["Username"]}
    oauth = auth.get("OAuthParameters")
    if oauth is not None:
        shown: dict[str, Any] = {
            "ClientParameters": {"ClientID": oauth["ClientParameters"]["ClientID"]},
            "AuthorizationEndpoint": oauth["AuthorizationEndpoint"],
            "HttpMethod": oauth["HttpMethod"],
        }
        if "OAuthHttpParameters" in oauth:
            shown["OAuthHttpParameters"] = _public_http_parameters(oauth["OAuthHttpParameters"])
        out["OAuthParameters"] = shown
    api_key = auth.get("ApiKeyAuthParameters")
    if api_key is not None:
        out["ApiKeyAuthParameters"] = {"ApiKeyName": api_key["ApiKeyName"]}
    if "InvocationHttpParameters" in auth:
        out["InvocationHttpParameters"] = _public_http_parameters(auth["InvocationHttpParameters"])
    if "ConnectivityParameters" in auth:
        out["ConnectivityParameters"] = _connectivity(auth["ConnectivityParameters"])
    return out


def _connectivity(params: dict[str, Any]) -> dict[str, Any]:
    arn = params["ResourceParameters"]["ResourceConfigurationArn"]
    region, account = (arn.split(":") + ["", "", "", "", ""])[3:5]
    association = f"arn:aws:vpc-lattice:{region}:{account}:servicenetworkresourceassociation/snra-" + (
        uuid.uuid5(uuid.NAMESPACE_URL, arn).hex[:17]
    )
    return {
        "ResourceParameters": {
            "ResourceConfigurationArn": arn,
            "ResourceAssociationArn": association,
        }
    }


def _authorize(connection: Connection, now: datetime, ids: Ids) -> None:
    oauth = connection.authorization_type == "OAUTH_CLIENT_CREDENTIALS"
    connection.state = "AUTHORIZING" if oauth else "AUTHORIZED"
    # The token the mock's token endpoint grants once the authorization is finished.
    connection.oauth_token = f"mock-events-token-{ids.uuid().replace('-', '')}" if oauth else None
    connection.last_authorized_time = now


@operation("CreateConnection")
def create_connection(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    state = ctx.resources
    name = params["Name"]
    auth_type = params["AuthorizationType"]
    auth = params["AuthParameters"]
    _check_auth(auth_type, auth)
    if name in state.connections:
        raise already_exists(f"Connection '{name}' already exists.")
    if len(state.connections) >= ctx.backend.quotas["connections"]:
        raise limit_exceeded()
    now = ctx.now()
    connection = Connection(
        name=name,
        arn=arns.arn(state.region, state.account, f"connection/{name}/{ctx.backend.ids.uuid()}"),
        secret_arn=_secret_arn(state, ctx.backend.ids, name),
        authorization_type=auth_type,
        auth_parameters=copy.deepcopy(auth),
        creation_time=now,
        last_modified_time=now,
        state="AUTHORIZING",
        description=params.get("Description"),
        kms_key_identifier=params.get("KmsKeyIdentifier"),
        invocation_connectivity=copy.deepcopy(params.get("InvocationConnectivityParameters")),
    )
    _authorize(connection, now, ctx.backend.ids)
    state.connections[name] = connection
    return project(describe(connection), "CreateConnection")


def describe(connection: Connection) -> dict[str, Any]:
    """The connection as DescribeConnection answers it (no secrets); other operations answer a
    projection of it."""
    connectivity = connection.invocation_connectivity
    return present({
        "ConnectionArn": connection.arn,
        "Name": connection.name,
        "Description": connection.description,
        "InvocationConnectivityParameters": None if connectivity is None else _connectivity(connectivity),
        "ConnectionState": connection.state,
        "AuthorizationType": connection.authorization_type,
        "SecretArn": connection.secret_arn,
        "KmsKeyIdentifier": connection.kms_key_identifier or None,
        "AuthParameters": _public_auth(connection),
        "CreationTime": connection.creation_time,
        "LastModifiedTime": connection.last_modified_time,
        "LastAuthorizedTime": connection.last_authorized_time,
    })


@operation("DescribeConnection")
def describe_connection(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return describe(find(ctx, params["Name"], describing=True))


@operation("UpdateConnection")
def update_connection(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    connection = find(ctx, params["Name"])
    auth_type = params.get("AuthorizationType", connection.authorization_type)
    new_auth = params.get("AuthParameters") or {}
    if auth_type != connection.authorization_type:
        # Another kind of authorization replaces the stored one (its secrets included).
        _check_auth(auth_type, new_auth)
        kept = {k: v for k, v in connection.auth_parameters.items() if k not in _AUTH_KEYS.values()}
        auth = _merge(kept, new_auth)
    else:
        given = [key for key in _AUTH_KEYS.values() if key in new_auth]
        if given and given != [_AUTH_KEYS[auth_type]]:
            raise validation(
                f"Parameter AuthParameters is not valid. Reason: {', '.join(given)} cannot be "
                f"used with authorization type {auth_type}."
            )
        auth = _merge(connection.auth_parameters, new_auth)
    # The merged result must hold all CreateConnection requires (a password for BASIC, a key
    # value for API_KEY, client credentials and endpoint for OAuth), or nothing is stored.
    model.validate(
        "CreateConnection", {"Name": connection.name, "AuthorizationType": auth_type, "AuthParameters": auth}
    )
    now = ctx.now()
    connection.authorization_type = auth_type
    connection.auth_parameters = auth
    if "Description" in params:
        connection.description = params["Description"]
    if "KmsKeyIdentifier" in params:
        connection.kms_key_identifier = params["KmsKeyIdentifier"] or None
    if "InvocationConnectivityParameters" in params:
        connection.invocation_connectivity = copy.deepcopy(params["InvocationConnectivityParameters"])
    connection.last_modified_time = now
    if new_auth or "AuthorizationType" in params:
        _authorize(connection, now, ctx.backend.ids)
    return project(describe(connection), "UpdateConnection")


@operation("DeleteConnection")
def delete_connection(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    connection = find(ctx, params["Name"])
    del ctx.resources.connections[connection.name]
    connection.state = "DELETING"
    return project(describe(connection), "DeleteConnection")


@operation("DeauthorizeConnection")
def deauthorize_connection(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    connection = find(ctx, params["Name"])
    now = ctx.now()
    connection.state = "DEAUTHORIZING"
    connection.oauth_token = None
    connection.last_modified_time = now
    return project(describe(connection), "DeauthorizeConnection")


@operation("ListConnections")
def list_connections(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    prefix = params.get("NamePrefix", "")
    wanted = params.get("ConnectionState")
    items = []
    for connection in ctx.resources.connections.values():
        connection.finish_pending_change()
        if connection.name.startswith(prefix) and wanted in (None, connection.state):
            items.append(connection)
    chunk, token = pagination.page(items, params, key=lambda c: c.name)
    listed = [project(describe(c), "ListConnections", list_key="Connections") for c in chunk]
    return pagination.with_token({"Connections": listed}, token)
