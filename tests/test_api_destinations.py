"""API destinations: lifecycle, states from the connection, and the HTTP request deliveries record."""

from __future__ import annotations

import base64
import json
import re

import pytest
from botocore.exceptions import ClientError

from conftest import error_of

ROLE = "arn:aws:iam::123456789012:role/r"


def connection(events, kind="BASIC", name="c", **auth):
    params = {
        "BASIC": {"BasicAuthParameters": {"Username": "user", "Password": "pass"}},
        "API_KEY": {"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "k3y"}},
        "OAUTH_CLIENT_CREDENTIALS": {
            "OAuthParameters": {
                "ClientParameters": {"ClientID": "id", "ClientSecret": "s"},
                "AuthorizationEndpoint": "https://auth.example.com/token",
                "HttpMethod": "POST",
            }
        },
    }[kind]
    params.update(auth)
    return events.create_connection(Name=name, AuthorizationType=kind, AuthParameters=params)["ConnectionArn"]


def destination(events, connection_arn, name="d", endpoint="https://api.example.com/orders", **extra):
    return events.create_api_destination(
        Name=name, ConnectionArn=connection_arn, InvocationEndpoint=endpoint, HttpMethod="POST", **extra
    )


def deliver(events, events_mock, arn, **target):
    events.put_rule(Name="r", EventPattern='{"source":["shop"]}')
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": arn, "RoleArn": ROLE, **target}])
    events.put_events(Entries=[{"Source": "shop", "DetailType": "order", "Detail": '{"id": 7}'}])
    (record,) = events_mock.deliveries(arn)
    return record


def test_create_answers_uuid_arn_and_active(events):
    out = destination(events, connection(events))
    assert re.fullmatch(
        r"arn:aws:events:us-east-1:123456789012:api-destination/d/[0-9a-f-]{36}", out["ApiDestinationArn"]
    )
    assert out["ApiDestinationState"] == "ACTIVE"


def test_invocation_rate_defaults_to_300(events):
    destination(events, connection(events))
    assert events.describe_api_destination(Name="d")["InvocationRateLimitPerSecond"] == 300


def test_destination_is_inactive_while_its_connection_is_not_authorized(events):
    out = destination(events, connection(events, "OAUTH_CLIENT_CREDENTIALS"))
    # The mock's OAuth connection finished authorizing by the time the destination was created.
    assert out["ApiDestinationState"] == "ACTIVE"
    events.deauthorize_connection(Name="c")
    assert events.describe_api_destination(Name="d")["ApiDestinationState"] == "INACTIVE"


def test_unknown_connection_is_not_found(events):
    arn = "arn:aws:events:us-east-1:123456789012:connection/gone/00000000-0000-0000-0000-000000000000"
    with pytest.raises(ClientError) as excinfo:
        destination(events, arn)
    assert error_of(excinfo) == ("ResourceNotFoundException", "Connection 'gone' does not exist.")
    assert events.list_api_destinations()["ApiDestinations"] == []


def test_duplicate_name_is_refused(events):
    arn = connection(events)
    destination(events, arn)
    with pytest.raises(ClientError) as excinfo:
        destination(events, arn)
    assert error_of(excinfo)[0] == "ResourceAlreadyExistsException"


def test_describe_unknown_message(events):
    with pytest.raises(ClientError) as excinfo:
        events.describe_api_destination(Name="nope")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "Failed to describe the api-destination(s). An api-destination 'nope' does not exist.",
    )


@pytest.mark.parametrize("call", ["update_api_destination", "delete_api_destination"])
def test_unknown_destination_is_not_found(events, call):
    with pytest.raises(ClientError) as excinfo:
        getattr(events, call)(Name="nope")
    assert error_of(excinfo) == ("ResourceNotFoundException", "An api-destination 'nope' does not exist.")


def test_update_changes_only_given_members(events):
    destination(events, connection(events), Description="first", InvocationRateLimitPerSecond=5)
    events.update_api_destination(Name="d", HttpMethod="PUT", InvocationEndpoint="https://api.example.com/v2")
    out = events.describe_api_destination(Name="d")
    assert (out["HttpMethod"], out["InvocationEndpoint"], out["Description"], out["InvocationRateLimitPerSecond"]) == (
        "PUT", "https://api.example.com/v2", "first", 5
    )


def test_delete_then_describe_fails(events):
    destination(events, connection(events))
    assert events.delete_api_destination(Name="d")["ResponseMetadata"]["HTTPStatusCode"] == 200
    with pytest.raises(ClientError):
        events.describe_api_destination(Name="d")


def test_list_filters_by_prefix_and_connection_and_pages(events):
    first, second = connection(events, name="c1"), connection(events, name="c2")
    for name, arn in (("a1", first), ("a2", second), ("a3", first), ("b", first)):
        destination(events, arn, name=name)
    assert [d["Name"] for d in events.list_api_destinations(NamePrefix="a")["ApiDestinations"]] == ["a1", "a2", "a3"]
    assert [d["Name"] for d in events.list_api_destinations(ConnectionArn=second)["ApiDestinations"]] == ["a2"]
    page = events.list_api_destinations(Limit=3)
    rest = events.list_api_destinations(Limit=3, NextToken=page["NextToken"])
    assert [d["Name"] for d in rest["ApiDestinations"]] == ["b"]


@pytest.mark.mock_events(quotas={"api_destinations": 1})
def test_quota_of_api_destinations(events):
    arn = connection(events)
    destination(events, arn)
    with pytest.raises(ClientError) as excinfo:
        destination(events, arn, name="e")
    assert error_of(excinfo)[0] == "LimitExceededException"


def test_delivery_records_basic_auth_request(events, events_mock):
    arn = destination(events, connection(events))["ApiDestinationArn"]
    request = deliver(events, events_mock, arn).http_request
    assert request["method"] == "POST"
    assert request["url"] == "https://api.example.com/orders"
    assert request["headers"]["Authorization"] == "Basic " + base64.b64encode(b"user:pass").decode()
    assert json.loads(request["body"])["detail"] == {"id": 7}


def test_delivery_carries_api_key_header(events, events_mock):
    arn = destination(events, connection(events, "API_KEY"))["ApiDestinationArn"]
    assert deliver(events, events_mock, arn).http_request["headers"]["x-api-key"] == "k3y"


def test_delivery_carries_a_bearer_token_for_oauth(events, events_mock):
    arn = destination(events, connection(events, "OAUTH_CLIENT_CREDENTIALS"))["ApiDestinationArn"]
    header = deliver(events, events_mock, arn).http_request["headers"]["Authorization"]
    assert re.fullmatch(r"Bearer \S+", header)


def test_path_query_and_headers_from_the_target(events, events_mock):
    arn = destination(events, connection(events), endpoint="https://api.example.com/*/items/*")["ApiDestinationArn"]
    request = deliver(
        events, events_mock, arn,
        HttpParameters={
            "PathParameterValues": ["shop", "a b"],
            "QueryStringParameters": {"q": "1"},
            "HeaderParameters": {"X-Trace": "t"},
        },
    ).http_request
    assert request["url"] == "https://api.example.com/shop/items/a%20b?q=1"
    assert request["headers"]["X-Trace"] == "t"


def test_connection_invocation_parameters_are_sent(events, events_mock):
    arn = connection(
        events,
        InvocationHttpParameters={
            "HeaderParameters": [{"Key": "X-Conn", "Value": "v", "IsValueSecret": True}],
            "QueryStringParameters": [{"Key": "k", "Value": "1"}],
            "BodyParameters": [{"Key": "extra", "Value": "x"}],
        },
    )
    request = deliver(events, events_mock, destination(events, arn)["ApiDestinationArn"]).http_request
    assert request["headers"]["X-Conn"] == "v"
    assert request["url"].endswith("?k=1")
    assert json.loads(request["body"])["extra"] == "x"


def test_body_is_the_transformed_input(events, events_mock):
    arn = destination(events, connection(events))["ApiDestinationArn"]
    record = deliver(
        events, events_mock, arn,
        InputTransformer={"InputPathsMap": {"id": "$.detail.id"}, "InputTemplate": '{"order": <id>}'},
    )
    assert json.loads(record.http_request["body"]) == {"order": 7}


def test_on_target_callback_sees_the_request(events, events_mock):
    arn = destination(events, connection(events))["ApiDestinationArn"]
    seen = []
    events_mock.on_target(arn, lambda d: seen.append(d.http_request["method"]))
    deliver(events, events_mock, arn)
    assert seen == ["POST"]


def test_deauthorized_connection_fails_the_delivery_to_the_dead_letter_queue(events, events_mock):
    arn = destination(events, connection(events))["ApiDestinationArn"]
    events.deauthorize_connection(Name="c")
    dlq = "arn:aws:sqs:us-east-1:123456789012:dlq"
    events.put_rule(Name="r", EventPattern='{"source":["shop"]}')
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": arn, "RoleArn": ROLE,
                                           "DeadLetterConfig": {"Arn": dlq}}])
    events.put_events(Entries=[{"Source": "shop", "DetailType": "order", "Detail": '{"id": 7}'}])
    assert events_mock.deliveries(arn) == []
    (failure,) = events_mock.failures(arn)
    assert failure.outcome == "dead-lettered" and "DEAUTHORIZED" in failure.error
    (letter,) = events_mock.deliveries(dlq)
    assert "DEAUTHORIZED" in letter.error
