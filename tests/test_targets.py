"""Targets."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from conftest import error_of

QUEUE = "arn:aws:sqs:us-east-1:123456789012:q"


@pytest.fixture
def rule(events):
    events.put_rule(Name="r", EventPattern='{"source":["orders"]}')
    return "r"


def test_list_omits_unset_fields(events, rule):
    events.put_targets(Rule=rule, Targets=[{"Id": "t", "Arn": QUEUE, "InputPath": "$.detail"}])
    targets = events.list_targets_by_rule(Rule=rule)["Targets"]
    assert targets == [{"Id": "t", "Arn": QUEUE, "InputPath": "$.detail"}]


def test_same_id_replaces_the_target(events, rule):
    events.put_targets(Rule=rule, Targets=[{"Id": "t", "Arn": QUEUE}])
    events.put_targets(Rule=rule, Targets=[{"Id": "t", "Arn": QUEUE + "2"}])
    assert events.list_targets_by_rule(Rule=rule)["Targets"] == [{"Id": "t", "Arn": QUEUE + "2"}]


def test_put_targets_answers_no_failed_entries(events, rule):
    out = events.put_targets(Rule=rule, Targets=[{"Id": "t", "Arn": QUEUE}])
    assert out["FailedEntryCount"] == 0 and out["FailedEntries"] == []


def test_more_than_five_targets_is_refused_and_nothing_is_added(events, rule):
    with pytest.raises(ClientError) as excinfo:
        events.put_targets(Rule=rule, Targets=[{"Id": f"t{i}", "Arn": QUEUE} for i in range(7)])
    assert error_of(excinfo) == ("LimitExceededException", "The requested resource exceeds the maximum number allowed.")
    assert events.list_targets_by_rule(Rule=rule)["Targets"] == []


def test_input_kinds_are_mutually_exclusive(events, rule):
    with pytest.raises(ClientError) as excinfo:
        events.put_targets(Rule=rule, Targets=[{"Id": "t", "Arn": QUEUE, "Input": "{}", "InputPath": "$.detail"}])
    assert error_of(excinfo) == (
        "ValidationException", "Only one of Input, InputPath, or InputTransformer must be provided for target t."
    )


def test_undefined_placeholder_is_refused(events, rule):
    with pytest.raises(ClientError) as excinfo:
        events.put_targets(Rule=rule, Targets=[{
            "Id": "t", "Arn": QUEUE,
            "InputTransformer": {"InputPathsMap": {"a": "$.detail"}, "InputTemplate": '{"x": <notdefinedkey>}'},
        }])
    assert error_of(excinfo) == (
        "ValidationException", "InputTemplate for target t contains invalid placeholder notdefinedkey."
    )


def test_target_on_unknown_rule(events):
    with pytest.raises(ClientError) as excinfo:
        events.put_targets(Rule="nope", Targets=[{"Id": "t", "Arn": QUEUE}])
    assert error_of(excinfo) == ("ResourceNotFoundException", "Rule nope does not exist on EventBus default.")


def test_remove_targets(events, rule):
    events.put_targets(Rule=rule, Targets=[{"Id": "a", "Arn": QUEUE}, {"Id": "b", "Arn": QUEUE}])
    out = events.remove_targets(Rule=rule, Ids=["a", "unknown"])
    assert out["FailedEntryCount"] == 0
    assert [t["Id"] for t in events.list_targets_by_rule(Rule=rule)["Targets"]] == ["b"]


def test_list_targets_pages(events, rule):
    events.put_targets(Rule=rule, Targets=[{"Id": f"t{i}", "Arn": QUEUE} for i in range(5)])
    first = events.list_targets_by_rule(Rule=rule, Limit=3)
    second = events.list_targets_by_rule(Rule=rule, Limit=3, NextToken=first["NextToken"])
    assert len(first["Targets"]) == 3 and len(second["Targets"]) == 2 and "NextToken" not in second


def test_a_target_arn_that_is_not_an_arn_is_refused(events, rule):
    with pytest.raises(ClientError) as excinfo:
        events.put_targets(Rule=rule, Targets=[{"Id": "t", "Arn": "not-an-arn"}])
    assert error_of(excinfo)[0] == "ValidationException"
