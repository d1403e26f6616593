"""Requests are checked against the model's input shapes on the server side, as AWS does."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from conftest import error_of


def test_pattern_violation_names_the_member_with_a_one_based_index(events):
    events.put_rule(Name="r", EventPattern='{"source":["a"]}')
    with pytest.raises(ClientError) as excinfo:
        events.put_targets(Rule="r", Targets=[{"Id": "!@#$@!#$", "Arn": "arn:aws:sqs:us-east-1:123456789012:q"}])
    assert error_of(excinfo) == (
        "ValidationException",
        "1 validation error detected: Value '!@#$@!#$' at 'targets.1.member.id' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+",
    )


def test_maximum_length_is_checked(events):
    with pytest.raises(ClientError) as excinfo:
        events.put_rule(Name="r" * 65, EventPattern='{"source":["a"]}')
    assert error_of(excinfo)[1] == (
        "1 validation error detected: Value '" + "r" * 65 + "' at 'name' failed to satisfy constraint: "
        "Member must have length less than or equal to 64"
    )


def test_several_violations_are_counted_and_joined(events):
    with pytest.raises(ClientError) as excinfo:
        events.create_connection(
            Name="Invalid Name With Spaces!" * 3,
            AuthorizationType="INVALID",
            AuthParameters={"BasicAuthParameters": {"Username": "u", "Password": "p"}},
        )
    code, message = error_of(excinfo)
    assert code == "ValidationException"
    assert message.startswith("3 validation errors detected: Value 'Invalid Name With Spaces!")
    assert "at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern" in message
    assert "Member must have length less than or equal to 64; " in message
    assert message.endswith(
        "Value 'INVALID' at 'authorizationType' failed to satisfy constraint: "
        "Member must satisfy enum value set: [BASIC, OAUTH_CLIENT_CREDENTIALS, API_KEY]"
    )


def test_integer_range_is_checked(events):
    with pytest.raises(ClientError) as excinfo:
        events.list_rules(Limit=1000)
    assert error_of(excinfo)[1].endswith(
        "at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100"
    )
    assert "Value '1000'" in error_of(excinfo)[1]


def test_more_than_ten_put_events_entries_is_a_whole_call_error(events):
    entry = {"Source": "s", "DetailType": "d", "Detail": "{}"}
    with pytest.raises(ClientError) as excinfo:
        events.put_events(Entries=[entry] * 11)
    code, message = error_of(excinfo)
    assert code == "ValidationException"
    assert message.startswith("1 validation error detected: Value '[PutEventsRequestEntry(time=null, source=s, ")
    assert message.endswith("at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10")


def test_nested_structure_members_are_checked(events):
    events.put_rule(Name="r", EventPattern='{"source":["a"]}')
    with pytest.raises(ClientError) as excinfo:
        events.put_targets(Rule="r", Targets=[{
            "Id": "t", "Arn": "arn:aws:sqs:us-east-1:123456789012:q",
            "RetryPolicy": {"MaximumRetryAttempts": 186},
        }])
    assert "at 'targets.1.member.retryPolicy.maximumRetryAttempts'" in error_of(excinfo)[1]


def test_a_refused_request_changes_nothing(events, events_mock):
    events.put_rule(Name="r", EventPattern='{"source":["a"]}')
    before = events_mock.snapshot()
    with pytest.raises(ClientError):
        events.put_targets(Rule="r", Targets=[
            {"Id": "good", "Arn": "arn:aws:sqs:us-east-1:123456789012:q"},
            {"Id": "bad", "Arn": "arn:aws:sqs:us-east-1:123456789012:q", "Input": "{", "InputPath": "$"},
        ])
    assert events_mock.snapshot() == before


def test_a_null_list_member_is_refused():
    from mock_events import model
    from mock_events.errors import ServiceError

    with pytest.raises(ServiceError) as excinfo:
        model.validate("PutEvents", {"Entries": [{"Source": "s", "Resources": [None]}]})
    assert excinfo.value.message == (
        "1 validation error detected: Value null at 'entries.1.member.resources.1.member' "
        "failed to satisfy constraint: Member must not be null"
    )


def test_names_that_passed_before_do_not_let_a_broken_name_through(events):
    # The check remembers names that passed (a set look-up instead of the regular expression);
    # past as many names as it remembers, and for every broken name, it still checks each one.
    for i in range(300):
        with pytest.raises(ClientError) as excinfo:
            events.describe_rule(Name=f"rule-{i}")
        assert error_of(excinfo)[0] == "ResourceNotFoundException"
    for name in ("rule 1", "rule-1 ", "r" * 65, "rule-1\n"):
        with pytest.raises(ClientError) as excinfo:
            events.describe_rule(Name=name)
        assert error_of(excinfo)[0] == "ValidationException", name


def _ecs_target() -> dict:
    return {
        "Id": "ecs", "Arn": "arn:aws:ecs:us-east-1:123456789012:cluster/c",
        "RoleArn": "arn:aws:iam::123456789012:role/r",
        "EcsParameters": {
            "TaskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/t:1",
            "NetworkConfiguration": {"awsvpcConfiguration": {"Subnets": ["subnet-1"], "AssignPublicIp": "ENABLED"}},
            "PlacementConstraints": [{"type": "memberOf", "expression": "attribute:ecs.instance-type =~ t2.*"}],
            "CapacityProviderStrategy": [{"capacityProvider": "cp", "base": 0}],
            "Tags": [{"Key": "k", "Value": "v"}],
        },
        "RetryPolicy": {"MaximumRetryAttempts": 5},
    }


# One constraint broken at each depth of a PutTargets request (the request's checks are compiled
# with the containers inlined a few levels deep, and called beyond): (path to the member, value,
# where AWS names it, the constraint's wording).
_DEEP_VIOLATIONS = [
    (("Id",), "bad id", "targets.1.member.id", "Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+"),
    (("RetryPolicy", "MaximumRetryAttempts"), 186, "targets.1.member.retryPolicy.maximumRetryAttempts",
     "Member must have value less than or equal to 185"),
    (("EcsParameters", "CapacityProviderStrategy", 0, "base"), 100001,
     "targets.1.member.ecsParameters.capacityProviderStrategy.1.member.base",
     "Member must have value less than or equal to 100000"),
    (("EcsParameters", "PlacementConstraints", 0, "type"), "bogus",
     "targets.1.member.ecsParameters.placementConstraints.1.member.type",
     "Member must satisfy enum value set: [distinctInstance, memberOf]"),
    (("EcsParameters", "Tags", 0, "Key"), "k" * 129, "targets.1.member.ecsParameters.tags.1.member.key",
     "Member must have length less than or equal to 128"),
    (("EcsParameters", "NetworkConfiguration", "awsvpcConfiguration", "AssignPublicIp"), "MAYBE",
     "targets.1.member.ecsParameters.networkConfiguration.awsvpcConfiguration.assignPublicIp",
     "Member must satisfy enum value set: [ENABLED, DISABLED]"),
]


@pytest.mark.parametrize("path, value, where, wording", _DEEP_VIOLATIONS, ids=[v[2] for v in _DEEP_VIOLATIONS])
def test_a_constraint_broken_at_any_depth_of_a_target_is_refused_and_changes_nothing(
    events, events_mock, path, value, where, wording  # noqa: ANN001
):
    events.put_rule(Name="r", EventPattern='{"source":["a"]}')
    events.put_targets(Rule="r", Targets=[_ecs_target()])  # the same target, unbroken, is taken
    before = events_mock.snapshot()
    target = _ecs_target()
    holder = target
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = value
    with pytest.raises(ClientError) as excinfo:
        events.put_targets(Rule="r", Targets=[{"Id": "first", "Arn": "arn:aws:sqs:us-east-1:123456789012:q"}, target])
    shown = where.replace("targets.1.", "targets.2.")
    assert error_of(excinfo) == (
        "ValidationException",
        f"1 validation error detected: Value '{value}' at '{shown}' failed to satisfy constraint: {wording}",
    )
    assert events_mock.snapshot() == before
