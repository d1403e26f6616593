"""Rules."""

from __future__ import annotations

import threading

import boto3
import pytest
from botocore.exceptions import ClientError

from conftest import error_of
from mock_events import mock_events

PATTERN = '{"source":["orders"]}'
QUEUE = "arn:aws:sqs:us-east-1:123456789012:q"


def test_rule_arn_on_the_default_bus(events):
    assert events.put_rule(Name="r", EventPattern=PATTERN)["RuleArn"] == "arn:aws:events:us-east-1:123456789012:rule/r"


def test_rule_arn_on_a_custom_bus_names_the_bus(events):
    events.create_event_bus(Name="orders")
    arn = events.put_rule(Name="r", EventPattern=PATTERN, EventBusName="orders")["RuleArn"]
    assert arn == "arn:aws:events:us-east-1:123456789012:rule/orders/r"


def test_describe_shows_what_was_put_and_enabled_by_default(events):
    events.put_rule(Name="r", EventPattern=PATTERN, Description="d")
    rule = events.describe_rule(Name="r")
    assert {k: v for k, v in rule.items() if k != "ResponseMetadata"} == {
        "Name": "r", "Arn": "arn:aws:events:us-east-1:123456789012:rule/r", "EventPattern": PATTERN,
        "State": "ENABLED", "Description": "d", "EventBusName": "default", "CreatedBy": "123456789012",
    }


def test_put_again_replaces_every_field_and_keeps_targets(events):
    events.put_rule(Name="r", EventPattern=PATTERN, Description="d", RoleArn="arn:aws:iam::123456789012:role/x")
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": QUEUE}])
    arn = events.put_rule(Name="r", EventPattern='{"source":["other"]}')["RuleArn"]
    rule = events.describe_rule(Name="r")
    assert rule["Arn"] == arn and rule["EventPattern"] == '{"source":["other"]}'
    assert "Description" not in rule and "RoleArn" not in rule
    assert len(events.list_targets_by_rule(Rule="r")["Targets"]) == 1


def test_rule_needs_a_pattern_or_a_schedule(events):
    with pytest.raises(ClientError) as excinfo:
        events.put_rule(Name="r")
    assert error_of(excinfo) == ("ValidationException", "Parameter(s) EventPattern or ScheduleExpression must be specified.")


def test_schedules_only_on_the_default_bus(events):
    events.create_event_bus(Name="b")
    with pytest.raises(ClientError) as excinfo:
        events.put_rule(Name="r", EventBusName="b", ScheduleExpression="rate(1 minute)")
    assert error_of(excinfo) == ("ValidationException", "ScheduleExpression is supported only on the default event bus.")


def test_invalid_pattern_is_refused_with_invalid_event_pattern_exception(events):
    with pytest.raises(events.exceptions.InvalidEventPatternException) as excinfo:
        events.put_rule(Name="r", EventPattern='{"source": "a"}')
    assert error_of(excinfo)[1].startswith('Event pattern is not valid. Reason: "source" must be an object or an array')


def test_rule_on_unknown_bus(events):
    with pytest.raises(ClientError) as excinfo:
        events.put_rule(Name="r", EventPattern=PATTERN, EventBusName="nope")
    assert error_of(excinfo) == ("ResourceNotFoundException", "Event bus nope does not exist.")


def test_rules_per_bus_quota():
    with mock_events(quotas={"rules_per_event_bus": 2}):
        client = boto3.client("events", region_name="us-east-1")
        client.put_rule(Name="a", EventPattern=PATTERN)
        client.put_rule(Name="b", EventPattern=PATTERN)
        client.put_rule(Name="b", EventPattern=PATTERN)  # an update is not a new rule
        with pytest.raises(ClientError) as excinfo:
            client.put_rule(Name="c", EventPattern=PATTERN)
        assert error_of(excinfo)[0] == "LimitExceededException"


def test_default_quota_is_300_rules_per_bus(events):
    for i in range(300):
        events.put_rule(Name=f"r{i}", EventPattern=PATTERN)
    with pytest.raises(ClientError) as excinfo:
        events.put_rule(Name="one-too-many", EventPattern=PATTERN)
    assert error_of(excinfo) == ("LimitExceededException", "The requested resource exceeds the maximum number allowed.")


def _wildcard(i):
    return f'{{"detail":{{"key":[{{"wildcard":"uploads/{i}/*"}}]}}}}'


def test_a_bus_holds_at_most_30_rules_containing_wildcards(events):
    # AWS's quota "Rules containing wildcards: 30 per event bus", not adjustable (eb-quota).
    for i in range(30):
        events.put_rule(Name=f"w{i}", EventPattern=_wildcard(i))
    with pytest.raises(ClientError) as excinfo:
        events.put_rule(Name="w30", EventPattern=_wildcard(30))
    assert error_of(excinfo) == ("LimitExceededException", "The requested resource exceeds the maximum number allowed.")
    assert "w30" not in {r["Name"] for r in events.list_rules()["Rules"]}
    events.put_rule(Name="plain", EventPattern=PATTERN)  # rules without wildcards are not counted


def test_anything_but_wildcard_counts_as_a_rule_containing_wildcards():
    with mock_events(quotas={"wildcard_rules_per_event_bus": 1}):
        client = boto3.client("events", region_name="us-east-1")
        client.put_rule(Name="w", EventPattern=_wildcard(0))
        with pytest.raises(ClientError) as excinfo:
            client.put_rule(Name="but", EventPattern='{"detail":{"key":[{"anything-but":{"wildcard":"a*"}}]}}')
        assert error_of(excinfo)[0] == "LimitExceededException"


def test_replacing_the_pattern_of_a_rule_containing_wildcards_keeps_its_place_under_the_quota():
    with mock_events(quotas={"wildcard_rules_per_event_bus": 1}):
        client = boto3.client("events", region_name="us-east-1")
        client.put_rule(Name="w", EventPattern=_wildcard(0))
        client.put_rule(Name="w", EventPattern=_wildcard(1))

        assert client.describe_rule(Name="w")["EventPattern"] == _wildcard(1)


def test_a_rule_given_wildcards_over_the_quota_keeps_its_pattern():
    with mock_events(quotas={"wildcard_rules_per_event_bus": 1}):
        client = boto3.client("events", region_name="us-east-1")
        client.put_rule(Name="w", EventPattern=_wildcard(0))
        client.put_rule(Name="plain", EventPattern=PATTERN)
        with pytest.raises(ClientError) as excinfo:
            client.put_rule(Name="plain", EventPattern=_wildcard(1))

        assert error_of(excinfo)[0] == "LimitExceededException"
        assert client.describe_rule(Name="plain")["EventPattern"] == PATTERN


def test_a_rule_losing_its_wildcards_or_deleted_frees_its_place_under_the_quota():
    with mock_events(quotas={"wildcard_rules_per_event_bus": 1}):
        client = boto3.client("events", region_name="us-east-1")
        client.put_rule(Name="w", EventPattern=_wildcard(0))
        client.put_rule(Name="w", EventPattern=PATTERN)
        client.put_rule(Name="x", EventPattern=_wildcard(1))
        client.delete_rule(Name="x")
        client.put_rule(Name="y", EventPattern=_wildcard(2))

        assert sorted(r["Name"] for r in client.list_rules()["Rules"]) == ["w", "y"]


def test_the_quota_of_rules_containing_wildcards_is_per_bus():
    with mock_events(quotas={"wildcard_rules_per_event_bus": 1}):
        client = boto3.client("events", region_name="us-east-1")
        client.create_event_bus(Name="other")
        client.put_rule(Name="w", EventPattern=_wildcard(0))
        client.put_rule(Name="w", EventPattern=_wildcard(0), EventBusName="other")

        assert [r["Name"] for r in client.list_rules(EventBusName="other")["Rules"]] == ["w"]


def test_describe_unknown_rule(events):
    with pytest.raises(ClientError) as excinfo:
        events.describe_rule(Name="nope")
    assert error_of(excinfo) == ("ResourceNotFoundException", "Rule nope does not exist on EventBus default.")


def test_delete_refused_while_targets_remain(events):
    events.put_rule(Name="r", EventPattern=PATTERN)
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": QUEUE}])
    with pytest.raises(ClientError) as excinfo:
        events.delete_rule(Name="r")
    assert error_of(excinfo) == ("ValidationException", "Rule can't be deleted since it has targets.")


def test_delete_unknown_rule_succeeds_but_unknown_bus_does_not(events):
    events.delete_rule(Name="nope")
    with pytest.raises(ClientError) as excinfo:
        events.delete_rule(Name="nope", EventBusName="no-bus")
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_disable_and_enable(events):
    events.put_rule(Name="r", EventPattern=PATTERN)
    events.disable_rule(Name="r")
    assert events.describe_rule(Name="r")["State"] == "DISABLED"
    events.enable_rule(Name="r")
    assert events.describe_rule(Name="r")["State"] == "ENABLED"


def test_put_rule_with_state_disabled(events):
    events.put_rule(Name="r", EventPattern=PATTERN, State="DISABLED")
    assert events.describe_rule(Name="r")["State"] == "DISABLED"


def test_list_rules_omits_created_by_and_filters_by_literal_prefix(events):
    events.put_rule(Name="a.x", EventPattern=PATTERN)
    events.put_rule(Name="abx", EventPattern=PATTERN)
    rules = events.list_rules(NamePrefix="a.")["Rules"]
    assert [r["Name"] for r in rules] == ["a.x"]
    assert "CreatedBy" not in rules[0] and rules[0]["EventBusName"] == "default"


def test_list_rule_names_by_target(events):
    for name in ("a", "b", "c"):
        events.put_rule(Name=name, EventPattern=PATTERN)
    events.put_targets(Rule="a", Targets=[{"Id": "t", "Arn": QUEUE}])
    events.put_targets(Rule="c", Targets=[{"Id": "t", "Arn": QUEUE}])
    assert events.list_rule_names_by_target(TargetArn=QUEUE)["RuleNames"] == ["a", "c"]
    assert events.list_rule_names_by_target(TargetArn=QUEUE + "x")["RuleNames"] == []


def test_paginators_walk_every_rule(events):
    for i in range(7):
        events.put_rule(Name=f"r{i}", EventPattern=PATTERN)
    pages = list(events.get_paginator("list_rules").paginate(PaginationConfig={"PageSize": 3}))
    assert [len(p["Rules"]) for p in pages] == [3, 3, 1]


def test_last_page_has_no_token(events):
    for i in range(6):
        events.put_rule(Name=f"r{i}", EventPattern=PATTERN)
    first = events.list_rules(Limit=3)
    second = events.list_rules(Limit=5, NextToken=first["NextToken"])
    assert len(second["Rules"]) == 3 and "NextToken" not in second


def test_an_invalid_token_is_refused(events):
    with pytest.raises(ClientError) as excinfo:
        events.list_rules(NextToken="garbage")
    assert error_of(excinfo)[0] == "InvalidToken"


def test_a_rule_put_again_with_the_same_pattern_then_another_matches_only_its_latest_pattern(events, events_mock):
    def sources_delivered_after_putting(*sources: str) -> list[str]:
        before = len(events_mock.deliveries(QUEUE))
        events.put_events(Entries=[{"Source": s, "DetailType": "d", "Detail": "{}"} for s in sources])
        return [d.event["source"] for d in events_mock.deliveries(QUEUE)[before:]]

    events.put_rule(Name="r", EventPattern='{"source":["one"]}')
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": QUEUE}])
    events.put_rule(Name="r", EventPattern='{"source":["one"]}')  # the same text: one compiled pattern
    assert sources_delivered_after_putting("one", "two") == ["one"]
    events.put_rule(Name="r", EventPattern='{"source":["two"]}')
    assert sources_delivered_after_putting("one", "two") == ["two"]
    events.put_rule(Name="r", EventPattern='{"source":["one"]}', State="DISABLED")
    assert sources_delivered_after_putting("one", "two") == []
    events.put_rule(Name="r", EventPattern='{"source":["one"]}')
    events.put_rule(Name="r", EventPattern='{"source":["one"]}')
    assert sources_delivered_after_putting("one", "two") == ["one"]
    events.put_rule(Name="r", ScheduleExpression="rate(1 hour)")
    assert sources_delivered_after_putting("one", "two") == []


def test_rules_put_from_threads_at_the_edge_of_the_wildcard_quota_never_pass_it():
    with mock_events():
        client = boto3.client("events", region_name="us-east-1")
        for i in range(25):
            client.put_rule(Name=f"w{i}", EventPattern=_wildcard(i))
        refused: list[str] = []

        def put(thread: int) -> None:
            mine = boto3.client("events", region_name="us-east-1")
            for n in range(5):
                try:
                    mine.put_rule(Name=f"t{thread}-{n}", EventPattern=_wildcard(100 + 10 * thread + n))
                except ClientError as error:
                    refused.append(error.response["Error"]["Code"])

        threads = [threading.Thread(target=put, args=(t,)) for t in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        assert len(client.list_rules(Limit=100)["Rules"]) == 30
        assert refused == ["LimitExceededException"] * 15


def test_a_reset_mock_holds_no_rule_containing_wildcards():
    with mock_events() as m:
        client = boto3.client("events", region_name="us-east-1")
        for i in range(30):
            client.put_rule(Name=f"w{i}", EventPattern=_wildcard(i))
        m.reset()
        for i in range(30):
            client.put_rule(Name=f"v{i}", EventPattern=_wildcard(i))
