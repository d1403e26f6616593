"""Connections: authorization types, hidden secrets, states, listing and errors."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from conftest import error_of

BASIC = {"BasicAuthParameters": {"Username": "user", "Password": "pass"}}
API_KEY = {"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "secret"}}
OAUTH = {
    "OAuthParameters": {
        "ClientParameters": {"ClientID": "client", "ClientSecret": "shh"},
        "AuthorizationEndpoint": "https://auth.example.com/token",
        "HttpMethod": "POST",
        "OAuthHttpParameters": {"BodyParameters": [{"Key": "scope", "Value": "s", "IsValueSecret": True}]},
    }
}


def create(events, name="c", kind="BASIC", auth=BASIC, **extra):
    return events.create_connection(Name=name, AuthorizationType=kind, AuthParameters=auth, **extra)


def test_create_answers_arn_with_uuid_and_authorized_state(events):
    out = create(events)
    assert re.fullmatch(
        r"arn:aws:events:us-east-1:123456789012:connection/c/[0-9a-f-]{36}", out["ConnectionArn"]
    )
    assert out["ConnectionState"] == "AUTHORIZED"
    assert "LastAuthorizedTime" not in out


def test_describe_hides_password_and_gives_secret_arn(events):
    create(events)
    out = events.describe_connection(Name="c")
    assert out["AuthParameters"] == {"BasicAuthParameters": {"Username": "user"}}
    assert re.fullmatch(
        r"arn:aws:secretsmanager:us-east-1:123456789012:secret:events!connection/c/[0-9a-f-]{36}-\w{6}",
        out["SecretArn"],
    )
    assert out["AuthorizationType"] == "BASIC"
    assert "pass" not in str(out)


def test_describe_hides_api_key_value(events):
    create(events, kind="API_KEY", auth=API_KEY)
    assert events.describe_connection(Name="c")["AuthParameters"] == {
        "ApiKeyAuthParameters": {"ApiKeyName": "x-api-key"}
    }


def test_describe_hides_secret_parameter_values_only(events):
    auth = dict(BASIC, InvocationHttpParameters={
        "HeaderParameters": [
            {"Key": "a", "Value": "hidden", "IsValueSecret": True},
            {"Key": "b", "Value": "shown", "IsValueSecret": False},
        ]
    })
    create(events, auth=auth)
    shown = events.describe_connection(Name="c")["AuthParameters"]["InvocationHttpParameters"]
    assert shown == {
        "HeaderParameters": [{"Key": "a", "IsValueSecret": True}, {"Key": "b", "Value": "shown", "IsValueSecret": False}]
    }


def test_oauth_connection_is_authorizing_then_authorized(events):
    out = create(events, kind="OAUTH_CLIENT_CREDENTIALS", auth=OAUTH)
    assert out["ConnectionState"] == "AUTHORIZING"
    described = events.describe_connection(Name="c")
    assert described["ConnectionState"] == "AUTHORIZED"
    oauth = described["AuthParameters"]["OAuthParameters"]
    assert oauth["ClientParameters"] == {"ClientID": "client"}
    assert oauth["OAuthHttpParameters"] == {"BodyParameters": [{"Key": "scope", "IsValueSecret": True}]}


def test_missing_auth_parameters_for_the_type_are_refused(events):
    with pytest.raises(ClientError) as excinfo:
        create(events, kind="API_KEY", auth=BASIC)
    assert error_of(excinfo)[0] == "ValidationException"
    assert events.list_connections()["Connections"] == []


def test_two_kinds_of_auth_parameters_are_refused(events):
    with pytest.raises(ClientError) as excinfo:
        create(events, auth=dict(BASIC, **API_KEY))
    assert error_of(excinfo)[0] == "ValidationException"


def test_duplicate_name_is_refused(events):
    create(events)
    with pytest.raises(ClientError) as excinfo:
        create(events)
    assert error_of(excinfo) == ("ResourceAlreadyExistsException", "Connection 'c' already exists.")


def test_unknown_connection_describe_message(events):
    with pytest.raises(ClientError) as excinfo:
        events.describe_connection(Name="nope")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "Failed to describe the connection(s). Connection 'nope' does not exist.",
    )


@pytest.mark.parametrize("call", ["update_connection", "delete_connection", "deauthorize_connection"])
def test_unknown_connection_is_not_found(events, call):
    with pytest.raises(ClientError) as excinfo:
        getattr(events, call)(Name="nope")
    assert error_of(excinfo) == ("ResourceNotFoundException", "Connection 'nope' does not exist.")


def test_delete_answers_deleting_and_removes(events):
    create(events)
    out = events.delete_connection(Name="c")
    assert out["ConnectionState"] == "DELETING"
    assert "LastAuthorizedTime" in out
    with pytest.raises(ClientError):
        events.describe_connection(Name="c")


def test_deauthorize_then_deauthorized(events):
    create(events)
    assert events.deauthorize_connection(Name="c")["ConnectionState"] == "DEAUTHORIZING"
    assert events.describe_connection(Name="c")["ConnectionState"] == "DEAUTHORIZED"


def test_update_with_new_credentials_reauthorizes(events):
    create(events)
    events.deauthorize_connection(Name="c")
    out = events.update_connection(Name="c", AuthParameters={"BasicAuthParameters": {"Password": "new"}})
    assert out["ConnectionState"] == "AUTHORIZED"
    assert events.describe_connection(Name="c")["AuthParameters"]["BasicAuthParameters"] == {"Username": "user"}


def test_update_description_keeps_state_and_auth(events):
    create(events, Description="old")
    events.update_connection(Name="c", Description="new")
    out = events.describe_connection(Name="c")
    assert (out["Description"], out["AuthorizationType"], out["ConnectionState"]) == ("new", "BASIC", "AUTHORIZED")


def test_update_to_another_type_needs_its_parameters(events):
    create(events)
    with pytest.raises(ClientError) as excinfo:
        events.update_connection(Name="c", AuthorizationType="API_KEY")
    assert error_of(excinfo)[0] == "ValidationException"
    events.update_connection(Name="c", AuthorizationType="API_KEY", AuthParameters=API_KEY)
    out = events.describe_connection(Name="c")
    assert out["AuthParameters"] == {"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key"}}


def test_list_filters_by_prefix_and_state_and_pages(events):
    for name in ("a1", "a2", "a3", "b1"):
        create(events, name=name)
    events.deauthorize_connection(Name="a2")
    names = [c["Name"] for c in events.list_connections(NamePrefix="a")["Connections"]]
    assert names == ["a1", "a2", "a3"]
    authorized = events.list_connections(ConnectionState="AUTHORIZED")["Connections"]
    assert [c["Name"] for c in authorized] == ["a1", "a3", "b1"]
    first = events.list_connections(Limit=2)
    second = events.list_connections(Limit=2, NextToken=first["NextToken"])
    assert [c["Name"] for c in first["Connections"] + second["Connections"]] == ["a1", "a2", "a3", "b1"]
    assert "NextToken" not in second


@pytest.mark.mock_events(quotas={"connections": 1})
def test_quota_of_connections(events):
    create(events)
    with pytest.raises(ClientError) as excinfo:
        create(events, name="d")
    assert error_of(excinfo)[0] == "LimitExceededException"
