"""Rules on another account's event bus: allowed only where the bus's resource policy allows it.

AWS: "EventBridge APIs that accept an event bus Name parameter such as PutRule, PutTargets,
DeleteRule, RemoveTargets, DisableRule, and EnableRule also accept the event bus ARN", and a
resource-based policy on the bus decides whether another account may call them
(docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html; the policy below is
the user guide's example "Send events to the same account and restrict updates").
"""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError

from conftest import error_of

OWNER, MEMBER, OUTSIDER = "111111111111", "222222222222", "333333333333"
BUS = "central-event-bus"
BUS_ARN = f"arn:aws:events:us-east-1:{OWNER}:event-bus/{BUS}"
MEMBER_QUEUE = f"arn:aws:sqs:us-east-1:{MEMBER}:invoices"
SOURCE = "com.exampleCorp.webStore"
RULE_ACTIONS = [
    "events:PutRule", "events:DeleteRule", "events:DescribeRule", "events:DisableRule",
    "events:EnableRule", "events:PutTargets", "events:RemoveTargets",
]


def client(account):
    return boto3.client("events", region_name="us-east-1", aws_access_key_id=account, aws_secret_access_key="x")


def rule_arn(name):
    return f"arn:aws:events:us-east-1:{OWNER}:rule/{BUS}/{name}"


def policy(*principals, actions=RULE_ACTIONS, condition=None, effect="Allow"):
    statement = {
        "Sid": "InvoiceProcessingRuleCreation",
        "Effect": effect,
        "Principal": {"AWS": [f"arn:aws:iam::{p}:root" for p in principals]},
        "Action": actions,
        "Resource": f"arn:aws:events:us-east-1:{OWNER}:rule/{BUS}/*",
    }
    if condition is not None:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


CREATOR_AND_SOURCE = {
    "StringEqualsIfExists": {"events:creatorAccount": "${aws:PrincipalAccount}", "events:source": SOURCE}
}


@pytest.fixture
def owner(events_mock):
    c = client(OWNER)
    c.create_event_bus(Name=BUS)
    return c


@pytest.fixture
def member(events_mock):
    return client(MEMBER)


def denied(action, resource, account=MEMBER):
    return (
        "AccessDeniedException",
        f"User: arn:aws:iam::{account}:root is not authorized to perform: {action} on resource: {resource} "
        f"because no resource-based policy allows the {action} action",
    )


def put_invoice_rule(c, name="invoices", source=SOURCE):
    return c.put_rule(Name=name, EventBusName=BUS_ARN, EventPattern=json.dumps({"source": [source]}))


def test_without_a_policy_another_account_cannot_put_a_rule_on_the_bus(owner, member):
    with pytest.raises(ClientError) as excinfo:
        put_invoice_rule(member)
    assert error_of(excinfo) == denied("events:PutRule", rule_arn("invoices"))
    assert owner.list_rules(EventBusName=BUS)["Rules"] == []


# Each operation that takes a bus name or ARN, called by another account on an existing rule of
# the owner's bus with no policy: (operation, request, action, resource).
OTHER_ACCOUNT_CALLS = [
    ("put_rule", {"Name": "owned", "EventBusName": BUS_ARN, "EventPattern": '{"source":["x"]}'},
     "events:PutRule", rule_arn("owned")),
    ("put_targets", {"Rule": "owned", "EventBusName": BUS_ARN, "Targets": [{"Id": "q", "Arn": MEMBER_QUEUE}]},
     "events:PutTargets", rule_arn("owned")),
    ("remove_targets", {"Rule": "owned", "EventBusName": BUS_ARN, "Ids": ["t"]},
     "events:RemoveTargets", rule_arn("owned")),
    ("delete_rule", {"Name": "owned", "EventBusName": BUS_ARN}, "events:DeleteRule", rule_arn("owned")),
    ("describe_rule", {"Name": "owned", "EventBusName": BUS_ARN}, "events:DescribeRule", rule_arn("owned")),
    ("enable_rule", {"Name": "owned", "EventBusName": BUS_ARN}, "events:EnableRule", rule_arn("owned")),
    ("disable_rule", {"Name": "owned", "EventBusName": BUS_ARN}, "events:DisableRule", rule_arn("owned")),
    ("list_targets_by_rule", {"Rule": "owned", "EventBusName": BUS_ARN},
     "events:ListTargetsByRule", rule_arn("owned")),
    ("list_rules", {"EventBusName": BUS_ARN}, "events:ListRules", BUS_ARN),
    ("list_rule_names_by_target", {"TargetArn": MEMBER_QUEUE, "EventBusName": BUS_ARN},
     "events:ListRuleNamesByTarget", BUS_ARN),
    ("describe_event_bus", {"Name": BUS_ARN}, "events:DescribeEventBus", BUS_ARN),
    ("tag_resource", {"ResourceARN": rule_arn("owned"), "Tags": [{"Key": "k", "Value": "v"}]},
     "events:TagResource", rule_arn("owned")),
    ("untag_resource", {"ResourceARN": rule_arn("owned"), "TagKeys": ["k"]},
     "events:UntagResource", rule_arn("owned")),
    ("list_tags_for_resource", {"ResourceARN": rule_arn("owned")}, "events:ListTagsForResource", rule_arn("owned")),
    ("tag_resource", {"ResourceARN": BUS_ARN, "Tags": [{"Key": "k", "Value": "v"}]}, "events:TagResource", BUS_ARN),
]


@pytest.mark.parametrize(
    ("operation", "request_", "action", "resource"), OTHER_ACCOUNT_CALLS,
    ids=[f"{c[0]}:{c[3].rsplit(':', 1)[1]}" for c in OTHER_ACCOUNT_CALLS],
)
def test_every_operation_on_another_accounts_bus_needs_its_policy(owner, member, operation, request_, action, resource):
    owner.put_rule(Name="owned", EventBusName=BUS, EventPattern='{"source":["orders"]}', State="DISABLED")
    owner.put_targets(Rule="owned", EventBusName=BUS, Targets=[{"Id": "t", "Arn": MEMBER_QUEUE}])
    before = owner.describe_rule(Name="owned", EventBusName=BUS)
    before.pop("ResponseMetadata")
    with pytest.raises(ClientError) as excinfo:
        getattr(member, operation)(**request_)
    assert error_of(excinfo) == denied(action, resource)
    after = owner.describe_rule(Name="owned", EventBusName=BUS)
    after.pop("ResponseMetadata")
    assert after == before
    assert [t["Id"] for t in owner.list_targets_by_rule(Rule="owned", EventBusName=BUS)["Targets"]] == ["t"]
    assert owner.list_tags_for_resource(ResourceARN=rule_arn("owned"))["Tags"] == []
    assert owner.list_tags_for_resource(ResourceARN=BUS_ARN)["Tags"] == []


def test_with_the_policy_a_rule_made_by_another_account_is_created_by_it_and_delivers(owner, member, events_mock):
    owner.put_permission(EventBusName=BUS, Policy=policy(MEMBER, condition=CREATOR_AND_SOURCE))
    arn = put_invoice_rule(member)["RuleArn"]
    member.put_targets(Rule="invoices", EventBusName=BUS_ARN, Targets=[{"Id": "q", "Arn": MEMBER_QUEUE}])
    assert arn == rule_arn("invoices")
    described = member.describe_rule(Name="invoices", EventBusName=BUS_ARN)
    assert described["CreatedBy"] == MEMBER
    assert owner.describe_rule(Name="invoices", EventBusName=BUS)["CreatedBy"] == MEMBER
    owner.put_events(Entries=[{"Source": SOURCE, "DetailType": "Invoice", "Detail": "{}", "EventBusName": BUS}])
    (delivery,) = events_mock.deliveries(MEMBER_QUEUE)
    assert delivery.event["account"] == OWNER and delivery.rule_arn == arn


def test_the_source_condition_limits_the_patterns_another_account_may_put(owner, member):
    owner.put_permission(EventBusName=BUS, Policy=policy(MEMBER, condition=CREATOR_AND_SOURCE))
    with pytest.raises(ClientError) as excinfo:
        put_invoice_rule(member, source="com.exampleCorp.payroll")
    assert error_of(excinfo) == denied("events:PutRule", rule_arn("invoices"))
    assert owner.list_rules(EventBusName=BUS)["Rules"] == []


def test_the_target_arn_condition_limits_the_targets_another_account_may_put(owner, member):
    condition = {"StringEqualsIfExists": {**CREATOR_AND_SOURCE["StringEqualsIfExists"], "events:TargetArn": MEMBER_QUEUE}}
    owner.put_permission(EventBusName=BUS, Policy=policy(MEMBER, condition=condition))
    put_invoice_rule(member)
    other_queue = f"arn:aws:sqs:us-east-1:{MEMBER}:elsewhere"
    with pytest.raises(ClientError) as excinfo:
        member.put_targets(Rule="invoices", EventBusName=BUS_ARN, Targets=[{"Id": "q", "Arn": other_queue}])
    assert error_of(excinfo) == denied("events:PutTargets", rule_arn("invoices"))
    member.put_targets(Rule="invoices", EventBusName=BUS_ARN, Targets=[{"Id": "q", "Arn": MEMBER_QUEUE}])
    assert owner.list_targets_by_rule(Rule="invoices", EventBusName=BUS)["Targets"] == [{"Id": "q", "Arn": MEMBER_QUEUE}]


def test_the_creator_condition_keeps_other_accounts_off_a_rule(owner, member):
    outsider = client(OUTSIDER)
    owner.put_permission(EventBusName=BUS, Policy=policy(MEMBER, OUTSIDER, condition=CREATOR_AND_SOURCE))
    put_invoice_rule(member)
    with pytest.raises(ClientError) as excinfo:
        outsider.disable_rule(Name="invoices", EventBusName=BUS_ARN)
    assert error_of(excinfo) == denied("events:DisableRule", rule_arn("invoices"), OUTSIDER)
    with pytest.raises(ClientError):
        put_invoice_rule(outsider)  # replacing the member's rule is modifying it
    member.disable_rule(Name="invoices", EventBusName=BUS_ARN)
    owner.enable_rule(Name="invoices", EventBusName=BUS)  # the bus's owner needs no policy
    assert owner.describe_rule(Name="invoices", EventBusName=BUS)["State"] == "ENABLED"


def test_actions_the_policy_does_not_name_stay_refused(owner, member):
    owner.put_permission(EventBusName=BUS, Policy=policy(MEMBER, actions=["events:PutRule"]))
    put_invoice_rule(member)
    with pytest.raises(ClientError) as excinfo:
        member.put_targets(Rule="invoices", EventBusName=BUS_ARN, Targets=[{"Id": "q", "Arn": MEMBER_QUEUE}])
    assert error_of(excinfo) == denied("events:PutTargets", rule_arn("invoices"))


def test_wildcard_actions_and_a_missing_rule_after_access_is_granted(owner, member):
    owner.put_permission(EventBusName=BUS, Policy=policy(MEMBER, actions="events:*"))
    with pytest.raises(ClientError) as excinfo:
        member.describe_rule(Name="missing", EventBusName=BUS_ARN)
    assert error_of(excinfo) == ("ResourceNotFoundException", f"Rule missing does not exist on EventBus {BUS}.")


def test_an_explicit_deny_wins_and_says_so(owner, member):
    allow = json.loads(policy(MEMBER, actions="events:*"))["Statement"][0]
    deny = {**json.loads(policy(MEMBER, actions=["events:DeleteRule"], effect="Deny"))["Statement"][0], "Sid": "no"}
    owner.put_permission(EventBusName=BUS, Policy=json.dumps({"Version": "2012-10-17", "Statement": [allow, deny]}))
    put_invoice_rule(member)
    with pytest.raises(ClientError) as excinfo:
        member.delete_rule(Name="invoices", EventBusName=BUS_ARN)
    assert error_of(excinfo) == (
        "AccessDeniedException",
        f"User: arn:aws:iam::{MEMBER}:root is not authorized to perform: events:DeleteRule on resource: "
        f"{rule_arn('invoices')} with an explicit deny in a resource-based policy",
    )


def test_a_put_events_permission_does_not_let_another_account_manage_rules(owner, member):
    owner.put_permission(EventBusName=BUS, Action="events:PutEvents", Principal=MEMBER, StatementId="put")
    with pytest.raises(ClientError) as excinfo:
        put_invoice_rule(member)
    assert error_of(excinfo)[0] == "AccessDeniedException"


def test_put_events_conditions_on_source_apply_to_each_entry(owner, member):
    statement = {
        "Sid": "webstore-only", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{MEMBER}:root"},
        "Action": "events:PutEvents", "Resource": BUS_ARN,
        "Condition": {"StringEquals": {"events:source": SOURCE}},
    }
    owner.put_permission(EventBusName=BUS, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    entry = {"DetailType": "Invoice", "Detail": "{}", "EventBusName": BUS_ARN}
    out = member.put_events(Entries=[{**entry, "Source": SOURCE}, {**entry, "Source": "other"}])
    assert "EventId" in out["Entries"][0]
    assert out["Entries"][1] == dict(zip(("ErrorCode", "ErrorMessage"), denied("events:PutEvents", BUS_ARN)))


@pytest.mark.parametrize(("condition", "sources_allowed"), [
    ({"StringEquals": {"events:source": ["a", "b"]}}, ["a", "b"]),
    ({"StringNotEquals": {"events:source": "a"}}, ["b", "c", "ab"]),
    ({"StringLike": {"events:source": "a*"}}, ["a", "ab"]),
    ({"StringEqualsIgnoreCase": {"events:SOURCE": "A"}}, ["a"]),
    ({"StringEquals": {"events:detail-type": "Invoice"}}, ["a", "b", "c", "ab"]),
    ({"StringEquals": {"aws:PrincipalAccount": MEMBER}}, ["a", "b", "c", "ab"]),
    ({"StringEquals": {"aws:PrincipalOrgID": "o-123"}}, []),  # the mock models no Organizations
    ({"Null": {"aws:PrincipalOrgID": "true"}}, ["a", "b", "c", "ab"]),
    ({"NumericLessThan": {"events:source": "1"}}, []),  # operators the mock does not evaluate never hold
])
def test_policy_conditions_decide_which_entries_another_account_may_put(owner, member, condition, sources_allowed):
    statement = {
        "Sid": "s", "Effect": "Allow", "Principal": "*", "Action": "events:PutEvents", "Resource": BUS_ARN,
        "Condition": condition,
    }
    owner.put_permission(EventBusName=BUS, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    sources = ["a", "b", "c", "ab"]
    out = member.put_events(Entries=[
        {"Source": s, "DetailType": "Invoice", "Detail": "{}", "EventBusName": BUS_ARN} for s in sources
    ])
    assert [s for s, r in zip(sources, out["Entries"]) if "EventId" in r] == sources_allowed


def test_a_deeply_nested_pattern_from_another_account_is_judged_by_its_plain_keys(owner, member):
    owner.put_permission(EventBusName=BUS, Policy=policy(MEMBER, condition=CREATOR_AND_SOURCE))
    nested = '{"a":' * 600 + '["y"]' + "}" * 600
    deep = '{"source":["com.exampleCorp.payroll"],' + nested[1:]
    with pytest.raises(ClientError) as excinfo:
        member.put_rule(Name="deep", EventBusName=BUS_ARN, EventPattern=deep)
    assert error_of(excinfo) == denied("events:PutRule", rule_arn("deep"))


def test_forwarding_to_another_accounts_bus_meets_source_conditions(events_mock, owner):
    sender = client(MEMBER)
    statement = {
        "Sid": "webstore", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{MEMBER}:root"},
        "Action": "events:PutEvents", "Resource": BUS_ARN,
        "Condition": {"StringEquals": {"events:source": SOURCE}},
    }
    owner.put_permission(EventBusName=BUS, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    sender.put_rule(Name="forward", EventPattern='{"detail-type":["Invoice"]}')
    sender.put_targets(Rule="forward", Targets=[{"Id": "central", "Arn": BUS_ARN}])
    sender.put_events(Entries=[
        {"Source": s, "DetailType": "Invoice", "Detail": "{}"} for s in (SOURCE, "com.exampleCorp.payroll")
    ])
    assert [e["source"] for e in events_mock.events(BUS_ARN)] == [SOURCE]
    assert "not authorized" in events_mock.failures()[0].error
