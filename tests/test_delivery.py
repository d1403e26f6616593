"""Delivery: which targets receive which events, and how tests see and answer them."""

from __future__ import annotations

import boto3

QUEUE = "arn:aws:sqs:us-east-1:123456789012:q"
OTHER = "arn:aws:sqs:us-east-1:123456789012:other"
DLQ = "arn:aws:sqs:us-east-1:123456789012:dlq"
FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:handler"


def put(events, **entry):
    base = {"Source": "orders", "DetailType": "Order Placed", "Detail": '{"total": 5}'}
    return events.put_events(Entries=[{**base, **entry}])


def rule_with_targets(events, name="r", pattern='{"source":["orders"]}', targets=({"Id": "q", "Arn": QUEUE},), **kw):
    events.put_rule(Name=name, EventPattern=pattern, **kw)
    events.put_targets(Rule=name, Targets=list(targets), **({"EventBusName": kw["EventBusName"]} if "EventBusName" in kw else {}))


def test_each_matched_rule_delivers_to_each_target_once(events, events_mock):
    rule_with_targets(events, "a", targets=[{"Id": "1", "Arn": QUEUE}, {"Id": "2", "Arn": OTHER}])
    rule_with_targets(events, "b", targets=[{"Id": "1", "Arn": QUEUE}])
    rule_with_targets(events, "c", pattern='{"source":["else"]}', targets=[{"Id": "1", "Arn": QUEUE}])
    put(events)
    got = [(d.rule_arn.rsplit("/", 1)[1], d.target_id, d.target_arn) for d in events_mock.deliveries()]
    assert sorted(got) == [("a", "1", QUEUE), ("a", "2", OTHER), ("b", "1", QUEUE)]


def test_delivery_record_carries_event_payload_and_parsed_json(events, events_mock):
    rule_with_targets(events, targets=[{"Id": "q", "Arn": QUEUE, "InputPath": "$.detail"}])
    event_id = put(events)["Entries"][0]["EventId"]
    (d,) = events_mock.deliveries(QUEUE)
    assert d.event["id"] == event_id and d.payload == '{"total":5}' and d.json() == {"total": 5}
    assert d.rule_arn == "arn:aws:events:us-east-1:123456789012:rule/r"


def test_disabled_rule_matches_nothing(events, events_mock):
    rule_with_targets(events, State="DISABLED")
    put(events)
    assert events_mock.deliveries() == []


def test_rule_changes_apply_to_the_next_call(events, events_mock):
    rule_with_targets(events)
    put(events)
    events.put_rule(Name="r", EventPattern='{"source":["nothing"]}')
    put(events)
    assert len(events_mock.deliveries()) == 1


def test_input_transformer_renders_for_the_target(events, events_mock):
    rule_with_targets(events, targets=[{"Id": "q", "Arn": QUEUE, "InputTransformer": {
        "InputPathsMap": {"total": "$.detail.total"},
        "InputTemplate": '{"amount": <total>, "rule": "<aws.events.rule-name>"}',
    }}])
    put(events)
    assert events_mock.deliveries()[0].json() == {"amount": 5, "rule": "r"}


def test_transformed_input_that_is_not_json_is_not_delivered(events, events_mock):
    rule_with_targets(events, targets=[{"Id": "q", "Arn": QUEUE, "InputTransformer": {
        "InputPathsMap": {"d": "$.detail"}, "InputTemplate": '{"x": "<d>"}',
    }}])
    put(events)
    assert events_mock.deliveries() == []
    assert events_mock.failures()[0].outcome == "dropped"


def test_callback_stands_in_for_the_target(events, events_mock):
    seen = []
    events_mock.on_target(FUNCTION, lambda d: seen.append(d.json()["detail"]))
    rule_with_targets(events, targets=[{"Id": "f", "Arn": FUNCTION}])
    put(events)
    assert seen == [{"total": 5}]
    assert len(events_mock.deliveries(FUNCTION)) == 1


def test_callbacks_on_one_target_add_up_and_run_in_the_order_registered(events, events_mock):
    order = []
    events_mock.on_target(FUNCTION, lambda d: order.append("first"))
    events_mock.on_target(FUNCTION, lambda d: order.append("second"))
    rule_with_targets(events, targets=[{"Id": "f", "Arn": FUNCTION}])
    put(events)
    assert order == ["first", "second"]
    assert len(events_mock.deliveries(FUNCTION)) == 1


def test_delivery_has_happened_when_put_events_returns(events, events_mock):
    order = []
    events_mock.on_target(FUNCTION, lambda d: order.append("delivered"))
    rule_with_targets(events, targets=[{"Id": "f", "Arn": FUNCTION}])
    put(events)
    order.append("returned")
    assert order == ["delivered", "returned"]


def test_a_callback_may_put_more_events(events, events_mock):
    client = boto3.client("events", region_name="us-east-1")
    events_mock.on_target(FUNCTION, lambda d: client.put_events(Entries=[
        {"Source": "shipping", "DetailType": "Shipped", "Detail": "{}"}]))
    rule_with_targets(events, targets=[{"Id": "f", "Arn": FUNCTION}])
    rule_with_targets(events, "shipped", pattern='{"source":["shipping"]}', targets=[{"Id": "q", "Arn": QUEUE}])
    put(events)
    assert events_mock.deliveries(QUEUE)[0].json()["source"] == "shipping"


def test_failing_callback_is_retried_per_retry_policy_then_dead_lettered(events, events_mock):
    calls = []

    def flaky(delivery):
        calls.append(delivery.attempt)
        raise RuntimeError("down")

    events_mock.on_target(FUNCTION, flaky)
    rule_with_targets(events, targets=[{"Id": "f", "Arn": FUNCTION,
                                        "RetryPolicy": {"MaximumRetryAttempts": 2},
                                        "DeadLetterConfig": {"Arn": DLQ}}])
    put(events)
    assert calls == [1, 2, 3]
    assert [f.outcome for f in events_mock.failures()] == ["retried", "retried", "dead-lettered"]
    assert events_mock.failures()[-1].error == "RuntimeError: down"
    (letter,) = events_mock.deliveries(DLQ)
    assert letter.error == "RuntimeError: down" and letter.json()["source"] == "orders"
    assert events_mock.deliveries(FUNCTION) == []


def test_failing_callback_without_dead_letter_queue_is_dropped(events, events_mock):
    events_mock.on_target(FUNCTION, lambda d: 1 / 0)
    rule_with_targets(events, targets=[{"Id": "f", "Arn": FUNCTION, "RetryPolicy": {"MaximumRetryAttempts": 0}}])
    put(events)
    assert [(f.outcome, f.attempt) for f in events_mock.failures()] == [("dropped", 1)]


def test_callback_that_recovers_is_delivered_on_a_later_attempt(events, events_mock):
    attempts = []

    def second_time_lucky(delivery):
        attempts.append(delivery.attempt)
        if delivery.attempt == 1:
            raise TimeoutError("cold start")

    events_mock.on_target(FUNCTION, second_time_lucky)
    rule_with_targets(events, targets=[{"Id": "f", "Arn": FUNCTION}])
    put(events)
    assert attempts == [1, 2]
    assert events_mock.deliveries(FUNCTION)[0].attempt == 2


def test_maximum_event_age_is_measured_on_the_mock_clock(events, events_mock):
    events_mock.clock.freeze()

    def aging(delivery):
        events_mock.clock.advance(seconds=40)
        raise RuntimeError("still down")

    events_mock.on_target(FUNCTION, aging)
    rule_with_targets(events, targets=[{"Id": "f", "Arn": FUNCTION,
                                        "RetryPolicy": {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 60}}])
    put(events)
    assert [f.attempt for f in events_mock.failures()] == [1, 2]
    assert events_mock.failures()[-1].outcome == "dropped"


def test_clear_deliveries_empties_deliveries_failures_and_events(events, events_mock):
    rule_with_targets(events)
    put(events)
    events_mock.clear_deliveries()
    assert events_mock.deliveries() == [] and events_mock.failures() == [] and events_mock.events() == []


def test_bus_target_forwards_to_another_bus_where_its_rules_apply(events, events_mock):
    arn = events.create_event_bus(Name="audit")["EventBusArn"]
    rule_with_targets(events, targets=[{"Id": "bus", "Arn": arn}])
    rule_with_targets(events, "audit-all", EventBusName="audit", targets=[{"Id": "q", "Arn": QUEUE}])
    event_id = put(events)["Entries"][0]["EventId"]
    (d,) = events_mock.deliveries(QUEUE)
    assert d.json()["id"] == event_id and d.rule_arn.endswith("rule/audit/audit-all")
    assert len(events_mock.events("audit")) == 1


def test_forwarding_loops_end(events, events_mock):
    a = events.create_event_bus(Name="a")["EventBusArn"]
    b = events.create_event_bus(Name="b")["EventBusArn"]
    rule_with_targets(events, "to-b", EventBusName="a", targets=[{"Id": "b", "Arn": b}])
    rule_with_targets(events, "to-a", EventBusName="b", targets=[{"Id": "a", "Arn": a}])
    put(events, EventBusName="a")
    assert len(events_mock.events("a")) == 1 and len(events_mock.events("b")) == 1
    assert events_mock.failures()[0].outcome == "dropped"


def _client(account, region="us-east-1"):
    return boto3.client("events", region_name=region, aws_access_key_id=account, aws_secret_access_key="x")


def test_cross_account_forward_needs_the_receiving_policy(events_mock):
    sender, receiver = _client("111111111111"), _client("222222222222")
    target = receiver.describe_event_bus()["Arn"]
    rule_with_targets(sender, targets=[{"Id": "other-account", "Arn": target}])
    rule_with_targets(receiver, "inbox", targets=[{"Id": "q", "Arn": QUEUE}])
    put(sender)
    assert events_mock.deliveries() == []
    assert "not authorized" in events_mock.failures()[0].error
    receiver.put_permission(Action="events:PutEvents", Principal="111111111111", StatementId="sender")
    put(sender)
    (d,) = events_mock.deliveries(QUEUE)
    assert d.json()["account"] == "111111111111"


def test_events_from_another_account_are_not_forwarded_to_a_third(events_mock):
    a, b, c = _client("111111111111"), _client("222222222222"), _client("333333333333")
    b.put_permission(Action="events:PutEvents", Principal="*", StatementId="all")
    c.put_permission(Action="events:PutEvents", Principal="*", StatementId="all")
    rule_with_targets(a, targets=[{"Id": "b", "Arn": b.describe_event_bus()["Arn"]}])
    rule_with_targets(b, targets=[{"Id": "c", "Arn": c.describe_event_bus()["Arn"]}])
    put(a)
    assert len(events_mock.events("arn:aws:events:us-east-1:222222222222:event-bus/default")) == 1
    assert events_mock.events("arn:aws:events:us-east-1:333333333333:event-bus/default") == []


def test_cross_region_forward_assigns_a_new_id(events_mock):
    east, west = _client("111111111111"), _client("111111111111", "us-west-2")
    rule_with_targets(east, targets=[{"Id": "west", "Arn": west.describe_event_bus()["Arn"]}])
    event_id = put(east)["Entries"][0]["EventId"]
    (forwarded,) = events_mock.events("arn:aws:events:us-west-2:111111111111:event-bus/default")
    assert forwarded["id"] != event_id and forwarded["region"] == "us-east-1"


def test_put_events_on_another_accounts_bus_needs_its_policy(events_mock):
    sender, receiver = _client("111111111111"), _client("222222222222")
    arn = receiver.describe_event_bus()["Arn"]
    out = sender.put_events(Entries=[{"Source": "s", "DetailType": "d", "Detail": "{}", "EventBusName": arn}])
    assert out["Entries"][0]["ErrorCode"] == "AccessDeniedException"
    receiver.put_permission(Action="events:PutEvents", Principal="111111111111", StatementId="s")
    out = sender.put_events(Entries=[{"Source": "s", "DetailType": "d", "Detail": "{}", "EventBusName": arn}])
    assert out["FailedEntryCount"] == 0
    assert events_mock.events(arn)[0]["account"] == "111111111111"


def test_a_failed_delivery_does_not_change_the_answer(events, events_mock):
    events_mock.on_target(FUNCTION, lambda d: 1 / 0)
    rule_with_targets(events, targets=[{"Id": "f", "Arn": FUNCTION, "RetryPolicy": {"MaximumRetryAttempts": 0}}])
    assert put(events)["FailedEntryCount"] == 0
