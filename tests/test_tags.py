"""Tags on rules and buses."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from conftest import error_of


def test_tags_given_at_creation_are_listed(events):
    arn = events.put_rule(Name="r", EventPattern='{"source":["a"]}', Tags=[{"Key": "k", "Value": "v"}])["RuleArn"]
    assert events.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "k", "Value": "v"}]


def test_tag_and_untag_a_bus(events):
    arn = events.create_event_bus(Name="b")["EventBusArn"]
    events.tag_resource(ResourceARN=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    events.untag_resource(ResourceARN=arn, TagKeys=["a", "not-there"])
    assert events.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "b", "Value": "2"}]


def test_recreated_rule_has_no_tags(events):
    arn = events.put_rule(Name="r", EventPattern='{"source":["a"]}', Tags=[{"Key": "k", "Value": "v"}])["RuleArn"]
    events.delete_rule(Name="r")
    events.put_rule(Name="r", EventPattern='{"source":["a"]}')
    assert events.list_tags_for_resource(ResourceARN=arn)["Tags"] == []


def test_tags_on_put_rule_of_an_existing_rule_are_ignored(events):
    arn = events.put_rule(Name="r", EventPattern='{"source":["a"]}', Tags=[{"Key": "k", "Value": "v"}])["RuleArn"]
    events.put_rule(Name="r", EventPattern='{"source":["a"]}', Tags=[{"Key": "other", "Value": "x"}])
    assert events.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "k", "Value": "v"}]


@pytest.mark.parametrize("operation", ["tag", "untag", "list"])
def test_unknown_rule(events, operation):
    arn = "arn:aws:events:us-east-1:123456789012:rule/missing"
    with pytest.raises(ClientError) as excinfo:
        if operation == "tag":
            events.tag_resource(ResourceARN=arn, Tags=[{"Key": "k", "Value": "v"}])
        elif operation == "untag":
            events.untag_resource(ResourceARN=arn, TagKeys=["k"])
        else:
            events.list_tags_for_resource(ResourceARN=arn)
    assert error_of(excinfo) == ("ResourceNotFoundException", "Rule missing does not exist on EventBus default.")


def test_unknown_rule_on_a_custom_bus_names_the_bus(events):
    with pytest.raises(ClientError) as excinfo:
        events.list_tags_for_resource(ResourceARN="arn:aws:events:us-east-1:123456789012:rule/b/missing")
    assert error_of(excinfo)[1] == "Rule missing does not exist on EventBus b."


def test_unknown_bus(events):
    with pytest.raises(ClientError) as excinfo:
        events.list_tags_for_resource(ResourceARN="arn:aws:events:us-east-1:123456789012:event-bus/missing")
    assert error_of(excinfo) == ("ResourceNotFoundException", "Event bus missing does not exist.")


def test_tags_on_the_default_bus_persist(events):
    arn = events.describe_event_bus()["Arn"]
    events.tag_resource(ResourceARN=arn, Tags=[{"Key": "k", "Value": "v"}])
    assert events.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "k", "Value": "v"}]


def test_a_look_up_in_an_unknown_account_creates_nothing(events, events_mock):
    events.list_rules()
    before = set(events_mock._backend.regions)
    with pytest.raises(ClientError):
        events.list_tags_for_resource(ResourceARN="arn:aws:events:eu-west-3:999999999999:event-bus/x")
    with pytest.raises(ClientError):
        events.describe_event_bus(Name="arn:aws:events:eu-west-3:999999999999:event-bus/x")
    assert set(events_mock._backend.regions) == before


@pytest.mark.parametrize("arn", [
    "not-an-arn",
    "arn:aws:events:us-east-1:123456789012:archive/a",
    "arn:aws:sqs:us-east-1:123456789012:q",
])
def test_tagging_what_is_not_a_rule_or_bus_is_an_arn_not_in_correct_format(events, arn):
    with pytest.raises(ClientError) as excinfo:
        events.tag_resource(ResourceARN=arn, Tags=[{"Key": "k", "Value": "v"}])
    assert error_of(excinfo) == (
        "ValidationException", f"Parameter {arn} is not valid. Reason: Provided Arn is not in correct format."
    )
