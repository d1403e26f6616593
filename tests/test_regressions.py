"""Regression tests for bugs the conformance corpus and the fuzzer found in the core."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from conftest import error_of


def test_http_method_enum_is_listed_in_the_order_aws_prints_it(events):
    with pytest.raises(ClientError) as excinfo:
        events.create_api_destination(
            Name="d",
            ConnectionArn="arn:aws:events:us-east-1:123456789012:connection/c/0a1b",
            HttpMethod="FETCH",
            InvocationEndpoint="https://example.com",
        )
    assert error_of(excinfo) == (
        "ValidationException",
        "1 validation error detected: Value 'FETCH' at 'httpMethod' failed to satisfy constraint: "
        "Member must satisfy enum value set: [HEAD, POST, PATCH, DELETE, PUT, GET, OPTIONS]",
    )


def _unvalidated_client():
    import boto3
    from botocore.config import Config

    return boto3.client("events", region_name="us-east-1", config=Config(parameter_validation=False))


def test_a_member_sent_as_null_is_read_as_absent(events):
    events.put_rule(Name="r", EventPattern='{"source":["a"]}')
    rules = _unvalidated_client().list_rules(NamePrefix=None)["Rules"]
    assert [r["Name"] for r in rules] == ["r"]


def test_a_lone_surrogate_is_refused_as_a_serialization_error(events):
    from botocore.exceptions import ClientError as _ClientError

    with pytest.raises(_ClientError) as excinfo:
        events.put_events(Entries=[{"Source": "\ud800", "DetailType": "t", "Detail": "{}"}])
    assert error_of(excinfo)[0] == "SerializationException"


def test_deeply_nested_policy_is_refused_not_crashed(events):
    with pytest.raises(ClientError) as excinfo:
        events.put_permission(Policy="[" * 3000 + "]" * 3000)
    assert excinfo.value.response["Error"]["Code"] == "ValidationException"


def test_deeply_nested_input_is_refused_not_crashed(events):
    events.put_rule(Name="r", EventPattern='{"source":["a"]}')
    with pytest.raises(ClientError) as excinfo:
        events.put_targets(Rule="r", Targets=[{
            "Id": "t", "Arn": "arn:aws:sqs:us-east-1:123456789012:q", "Input": "[" * 4000 + "]" * 4000,
        }])
    assert excinfo.value.response["Error"]["Code"] == "ValidationException"


def test_retention_beyond_what_a_date_can_hold_keeps_events_for_ever(events):
    arn = events.describe_event_bus()["Arn"]
    events.create_archive(ArchiveName="a", EventSourceArn=arn, RetentionDays=2_000_000_000)
    events.put_events(Entries=[{"Source": "s", "DetailType": "d", "Detail": "{}"}])
    events.update_archive(ArchiveName="a", RetentionDays=1_999_999_999)
    assert events.describe_archive(ArchiveName="a")["EventCount"] == 1


def test_an_integer_beyond_java_int_is_refused(events):
    from mock_events import model
    from mock_events.errors import ServiceError

    with pytest.raises(ServiceError) as excinfo:
        model.validate("UpdateArchive", {"ArchiveName": "a", "RetentionDays": 2**31})
    assert excinfo.value.code == "SerializationException"
