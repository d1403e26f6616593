"""Event buses."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from conftest import error_of
from mock_events import mock_events


def test_the_default_bus_always_exists(events):
    bus = events.describe_event_bus()
    assert bus["Name"] == "default"
    assert bus["Arn"] == "arn:aws:events:us-east-1:123456789012:event-bus/default"


def test_create_returns_the_arn_and_description(events):
    out = events.create_event_bus(Name="orders", Description="all orders")
    assert out["EventBusArn"] == "arn:aws:events:us-east-1:123456789012:event-bus/orders"
    assert out["Description"] == "all orders"


def test_describe_a_custom_bus_by_name_or_arn(events):
    arn = events.create_event_bus(Name="orders")["EventBusArn"]
    by_name = events.describe_event_bus(Name="orders")
    by_arn = events.describe_event_bus(Name=arn)
    assert by_name["Arn"] == by_arn["Arn"] == arn
    assert by_name["CreationTime"] == by_name["LastModifiedTime"]
    assert "Policy" not in by_name and "Description" not in by_name


def test_creating_a_bus_twice_is_refused(events):
    events.create_event_bus(Name="orders")
    with pytest.raises(ClientError) as excinfo:
        events.create_event_bus(Name="orders")
    assert error_of(excinfo) == ("ResourceAlreadyExistsException", "Event bus orders already exists.")


def test_describe_unknown_bus(events):
    with pytest.raises(events.exceptions.ResourceNotFoundException) as excinfo:
        events.describe_event_bus(Name="nope")
    assert error_of(excinfo)[1] == "Event bus nope does not exist."


def test_deleting_an_unknown_bus_succeeds(events):
    events.delete_event_bus(Name="never-was")


def test_deleting_the_default_bus_is_refused(events):
    with pytest.raises(ClientError) as excinfo:
        events.delete_event_bus(Name="default")
    assert error_of(excinfo) == ("ValidationException", "Cannot delete event bus default.")


def test_delete_removes_the_bus_and_its_rules(events):
    events.create_event_bus(Name="orders")
    events.put_rule(Name="r", EventBusName="orders", EventPattern='{"source":["a"]}')
    events.delete_event_bus(Name="orders")
    events.create_event_bus(Name="orders")
    assert events.list_rules(EventBusName="orders")["Rules"] == []


def test_update_changes_description_and_last_modified_time(events, events_mock):
    events_mock.clock.freeze()
    events.create_event_bus(Name="orders")
    events_mock.clock.advance(minutes=5)
    out = events.update_event_bus(Name="orders", Description="new")
    assert out["Description"] == "new" and out["Name"] == "orders"
    bus = events.describe_event_bus(Name="orders")
    assert (bus["LastModifiedTime"] - bus["CreationTime"]).total_seconds() == 300


def test_list_filters_by_literal_prefix(events):
    for name in ("a.b", "aXb", "ab"):
        events.create_event_bus(Name=name)
    assert [b["Name"] for b in events.list_event_buses(NamePrefix="a.")["EventBuses"]] == ["a.b"]
    assert events.list_event_buses(NamePrefix="zzz")["EventBuses"] == []


def test_bus_quota_is_enforced_and_adjustable():
    import boto3

    with mock_events(quotas={"event_buses": 2}):
        client = boto3.client("events", region_name="us-east-1")
        client.create_event_bus(Name="one")
        with pytest.raises(ClientError) as excinfo:
            client.create_event_bus(Name="two")
        assert error_of(excinfo) == (
            "LimitExceededException", "The requested resource exceeds the maximum number allowed."
        )


def test_custom_bus_names_cannot_contain_a_slash(events):
    with pytest.raises(ClientError) as excinfo:
        events.create_event_bus(Name="a/b")
    assert error_of(excinfo)[0] == "ValidationException"


def test_put_permission_shows_a_policy_and_remove_all_drops_it(events):
    events.put_permission(Action="events:PutEvents", Principal="111122223333", StatementId="s1")
    policy = json.loads(events.describe_event_bus()["Policy"])
    assert policy == {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "s1", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "events:PutEvents",
            "Resource": "arn:aws:events:us-east-1:123456789012:event-bus/default",
        }],
    }
    events.remove_permission(RemoveAllPermissions=True)
    assert "Policy" not in events.describe_event_bus()


def test_remove_unknown_statement(events):
    with pytest.raises(ClientError) as excinfo:
        events.remove_permission(StatementId="nope")
    assert error_of(excinfo) == ("ResourceNotFoundException", "Statement with the provided id does not exist.")


def test_policy_size_limit(events):
    with pytest.raises(ClientError) as excinfo:
        for i in range(200):
            events.put_permission(Action="events:PutEvents", Principal="111122223333", StatementId=f"statement-{i}")
    assert error_of(excinfo) == (
        "PolicyLengthExceededException", "Policy size would be larger than the maximum allowed."
    )


def test_a_policy_document_whose_statements_are_not_objects_is_refused(events):
    with pytest.raises(ClientError) as excinfo:
        events.put_permission(Policy='{"Version": "2012-10-17", "Statement": [1]}')
    assert error_of(excinfo)[0] == "ValidationException"
    events.put_permission(Action="events:PutEvents", Principal="111122223333", StatementId="s1")
    assert json.loads(events.describe_event_bus()["Policy"])["Statement"][0]["Sid"] == "s1"


@pytest.mark.parametrize("name", ["aws.partner/acme.com/1/orders", "aws.orders"])
def test_a_bus_named_like_aws_needs_its_partner_event_source(events, name):
    with pytest.raises(ClientError) as excinfo:
        events.create_event_bus(Name=name)
    assert error_of(excinfo) == ("ValidationException", "EventBus name starting with 'aws.' is not valid.")
    assert [b["Name"] for b in events.list_event_buses()["EventBuses"]] == ["default"]
