"""Each difference listed in docs/coming-from-moto.md: what AWS (and so mock-events) does, and the fix.

Every test names the guide's item it backs. They state AWS's behaviour, never moto's (which may
change from one moto release to the next).
"""

from __future__ import annotations

import json
import re

import boto3
import pytest
from botocore.exceptions import ClientError

from conftest import error_of
from mock_events import mock_events

QUEUE = "arn:aws:sqs:us-east-1:123456789012:orders"
EVENT = {
    "id": "1", "source": "shop", "detail-type": "Order", "account": "123456789012",
    "region": "us-east-1", "time": "2024-01-01T00:00:00Z", "resources": [], "detail": {},
}


def matches(events, pattern: dict) -> bool:  # noqa: ANN001
    return events.test_event_pattern(EventPattern=json.dumps(pattern), Event=json.dumps(EVENT))["Result"]


# 1. The empty pattern
def test_guide_1_an_empty_pattern_is_refused(events):
    with pytest.raises(ClientError) as excinfo:
        events.put_rule(Name="everything", EventPattern="{}")
    code, message = error_of(excinfo)
    assert code == "InvalidEventPatternException"
    assert message.startswith("Event pattern is not valid. Reason: Empty objects are not allowed")
    assert events.list_rules()["Rules"] == []


def test_guide_1_fix_a_pattern_on_a_field_every_event_has(events):
    events.put_rule(Name="everything", EventPattern='{"source": [{"prefix": ""}]}')
    assert matches(events, {"source": [{"prefix": ""}]})


# 2. A number in a pattern against a string field
def test_guide_2_a_number_does_not_match_a_string_field(events):
    assert not matches(events, {"account": [123456789012]})


def test_guide_2_fix_the_value_as_a_string(events):
    assert matches(events, {"account": ["123456789012"]})


# 3. Error codes: the model's constraint is a ValidationException
def test_guide_3_a_principal_breaking_the_model_pattern_is_a_validation_exception(events):
    with pytest.raises(ClientError) as excinfo:
        events.put_permission(Action="events:PutEvents", Principal="1234", StatementId="s")
    assert error_of(excinfo) == (
        "ValidationException",
        "1 validation error detected: Value '1234' at 'principal' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: (\\d{12}|\\*)",
    )


def test_guide_3_an_iam_arn_as_principal_breaks_two_constraints(events):
    arn = "arn:aws:iam::210987654321:root"
    with pytest.raises(ClientError) as excinfo:
        events.put_permission(Action="events:PutEvents", Principal=arn, StatementId="s")
    code, message = error_of(excinfo)
    assert code == "ValidationException"
    assert message.startswith(f"2 validation errors detected: Value '{arn}' at 'principal' failed")
    assert "Member must have length less than or equal to 12" in message


def test_guide_3_fix_an_account_id_or_a_star_with_an_organization_condition(events):
    events.put_permission(Action="events:PutEvents", Principal="210987654321", StatementId="one")
    events.put_permission(
        Action="events:PutEvents", Principal="*", StatementId="org",
        Condition={"Type": "StringEquals", "Key": "aws:PrincipalOrgID", "Value": "o-1234567890"},
    )
    policy = json.loads(events.describe_event_bus()["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["one", "org"]


# 4. Rule listing order
def test_guide_4_rules_are_listed_in_name_order_not_creation_order(events):
    for name in ("zeta", "alpha", "mid"):
        events.put_rule(Name=name, EventPattern='{"source": ["shop"]}')
    assert [r["Name"] for r in events.list_rules()["Rules"]] == ["alpha", "mid", "zeta"]


def test_guide_4_fix_compare_rules_as_a_set(events):
    for name in ("zeta", "alpha"):
        events.put_rule(Name=name, EventPattern='{"source": ["shop"]}')
    assert {r["Name"] for r in events.list_rules()["Rules"]} == {"zeta", "alpha"}


# 5. Five targets per rule
def test_guide_5_a_sixth_target_is_refused_and_nothing_is_added(events):
    events.put_rule(Name="fan-out", EventPattern='{"source": ["shop"]}')
    targets = [{"Id": f"t{i}", "Arn": f"{QUEUE}-{i}"} for i in range(6)]
    with pytest.raises(ClientError) as excinfo:
        events.put_targets(Rule="fan-out", Targets=targets)
    assert error_of(excinfo) == (
        "LimitExceededException", "The requested resource exceeds the maximum number allowed."
    )
    assert events.list_targets_by_rule(Rule="fan-out")["Targets"] == []


def test_guide_5_fix_split_the_targets_over_two_rules(events):
    for rule, ids in (("fan-out-a", range(0, 3)), ("fan-out-b", range(3, 6))):
        events.put_rule(Name=rule, EventPattern='{"source": ["shop"]}')
        events.put_targets(Rule=rule, Targets=[{"Id": f"t{i}", "Arn": f"{QUEUE}-{i}"} for i in ids])
    assert len(events.list_targets_by_rule(Rule="fan-out-b")["Targets"]) == 3


# 6. Cross-account forwarding needs the receiving bus's permission
def _cross_account_forward(grant: bool):  # noqa: ANN202
    sender = boto3.client("events", region_name="us-east-1")
    receiver = boto3.client(
        "events", region_name="us-east-1",
        aws_access_key_id="210987654321", aws_secret_access_key="x",
    )
    receiver.create_event_bus(Name="central")
    if grant:
        receiver.put_permission(
            EventBusName="central", Action="events:PutEvents", Principal="123456789012", StatementId="s"
        )
    central = "arn:aws:events:us-east-1:210987654321:event-bus/central"
    sender.put_rule(Name="to-central", EventPattern='{"source": ["shop"]}')
    sender.put_targets(Rule="to-central", Targets=[{"Id": "central", "Arn": central}])
    sender.put_events(Entries=[{"Source": "shop", "DetailType": "Order", "Detail": "{}"}])
    return central


def test_guide_6_forwarding_to_another_account_without_permission_is_dropped():
    with mock_events() as m:
        central = _cross_account_forward(grant=False)
        assert m.events(central) == []
        (failure,) = m.failures(central)
        assert failure.outcome == "dropped"
        assert failure.error == f"Account 123456789012 is not authorized to put events on {central}."


def test_guide_6_fix_put_permission_on_the_receiving_bus():
    with mock_events() as m:
        central = _cross_account_forward(grant=True)
        assert [e["source"] for e in m.events(central)] == ["shop"]


# 7. Messages that differ
@pytest.mark.parametrize(
    "call, expected",
    [
        pytest.param(
            lambda e: e.describe_rule(Name="nope"),
            ("ResourceNotFoundException", "Rule nope does not exist on EventBus default."),
            id="unknown-rule",
        ),
        pytest.param(
            lambda e: e.remove_permission(StatementId="nope"),
            ("ResourceNotFoundException", "Statement with the provided id does not exist."),
            id="unknown-statement",
        ),
        pytest.param(
            lambda e: e.describe_connection(Name="nope"),
            ("ResourceNotFoundException",
             "Failed to describe the connection(s). Connection 'nope' does not exist."),
            id="unknown-connection",
        ),
        pytest.param(
            lambda e: e.describe_api_destination(Name="nope"),
            ("ResourceNotFoundException",
             "Failed to describe the api-destination(s). An api-destination 'nope' does not exist."),
            id="unknown-api-destination",
        ),
        pytest.param(
            lambda e: e.put_rule(Name="r", ScheduleExpression="rate(1 minutes)"),
            ("ValidationException", "Parameter ScheduleExpression is not valid."),
            id="bad-schedule",
        ),
        pytest.param(
            lambda e: e.test_event_pattern(EventPattern='{"source": ["shop"]}', Event="{}"),
            ("ValidationException", "Parameter Event is not valid."),
            id="bad-test-event",
        ),
    ],
)
def test_guide_7_aws_messages(events, call, expected):
    with pytest.raises(ClientError) as excinfo:
        call(events)
    assert error_of(excinfo) == expected


def test_guide_7_a_pattern_error_message_ends_with_where_the_parser_stopped(events):
    with pytest.raises(ClientError) as excinfo:
        events.put_rule(Name="r", EventPattern='{"source":"a"}')
    code, message = error_of(excinfo)
    assert code == "InvalidEventPatternException"
    first, where = message.split("\n", 1)
    assert first == 'Event pattern is not valid. Reason: "source" must be an object or an array'
    assert where == ' at [Source: (String)"{"source":"a"}"; line: 1, column: 12]'


def test_every_test_the_guide_names_exists_and_every_item_names_one():
    from pathlib import Path

    guide = (Path(__file__).resolve().parents[1] / "docs" / "coming-from-moto.md").read_text()
    named = set(re.findall(r"`(test_guide_\w+)`", guide))
    assert named and named <= {name for name in globals() if name.startswith("test_guide_")}
    items = re.findall(r"^## (\d+)\. ", guide, flags=re.M)
    assert {name.split("_")[2] for name in named} == set(items)
