"""Each delivery holds its own copy of the event: what one callback (or a test reading the logs)
changes in it, no other target, log, archive or replay sees."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:handler"
QUEUE = "arn:aws:sqs:us-east-1:123456789012:q"
OTHER = "arn:aws:sqs:us-east-1:123456789012:other"
ACCOUNT = "123456789012"
BUS = f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/default"
START = datetime(2025, 1, 1, tzinfo=timezone.utc)
DETAIL = {"order": {"id": 7, "lines": [{"sku": "a"}]}}


def put(events: Any) -> None:
    events.put_events(Entries=[{"Source": "orders", "DetailType": "Order Placed", "Detail": '{"order": {"id": 7, "lines": [{"sku": "a"}]}}'}])


def vandalize(delivery: Any) -> None:
    event = delivery.event
    event["detail"]["order"]["id"] = 0
    event["detail"]["order"]["lines"].append({"sku": "stolen"})
    event["source"] = "vandal"
    del event["resources"]


@pytest.fixture
def two_rules(events: Any) -> None:
    events.put_rule(Name="a", EventPattern='{"source":["orders"]}')
    events.put_targets(Rule="a", Targets=[{"Id": "f", "Arn": FUNCTION}, {"Id": "q", "Arn": QUEUE}])
    events.put_rule(Name="b", EventPattern='{"source":["orders"]}')
    events.put_targets(Rule="b", Targets=[{"Id": "o", "Arn": OTHER}])


def test_the_next_target_of_the_same_rule_sees_the_event_unchanged(events, events_mock, two_rules):
    seen = []
    events_mock.on_target(FUNCTION, vandalize)
    events_mock.on_target(QUEUE, lambda d: seen.append(d.event))
    put(events)
    assert seen[0]["detail"] == DETAIL and seen[0]["source"] == "orders" and seen[0]["resources"] == []


def test_another_rules_target_sees_the_event_unchanged(events, events_mock, two_rules):
    events_mock.on_target(FUNCTION, vandalize)
    put(events)
    (other,) = events_mock.deliveries(OTHER)
    assert other.event["detail"] == DETAIL and other.json()["detail"] == DETAIL


def test_the_logs_keep_the_event_as_put_and_as_delivered(events, events_mock, two_rules):
    events_mock.on_target(FUNCTION, vandalize)
    put(events)
    (event,) = events_mock.events()
    assert event["detail"] == DETAIL and event["source"] == "orders"
    (own,) = events_mock.deliveries(FUNCTION)
    assert own.event["detail"] == DETAIL


def test_a_retried_attempt_sees_the_event_as_put(events, events_mock):
    events.put_rule(Name="a", EventPattern='{"source":["orders"]}')
    events.put_targets(Rule="a", Targets=[{"Id": "f", "Arn": FUNCTION}])
    details = []

    def vandalize_then_fail(delivery: Any) -> None:
        details.append(delivery.event["detail"]["order"]["id"])
        vandalize(delivery)
        if delivery.attempt == 1:
            raise TimeoutError("cold start")

    events_mock.on_target(FUNCTION, vandalize_then_fail)
    put(events)
    assert details == [7, 7]
    assert events_mock.failures()[0].event["detail"] == DETAIL


def test_an_archive_and_its_replay_keep_the_event_as_put(events, events_mock, two_rules):
    events_mock.clock.freeze()
    events_mock.clock.set(START)
    events.create_archive(ArchiveName="all", EventSourceArn=BUS)
    events_mock.on_target(FUNCTION, vandalize)
    put(events)
    events_mock.clock.advance(minutes=1)
    events_mock.clear_deliveries()
    events.start_replay(ReplayName="again", EventSourceArn=f"arn:aws:events:us-east-1:{ACCOUNT}:archive/all",
                        EventStartTime=START - timedelta(hours=1), EventEndTime=START + timedelta(hours=1),
                        Destination={"Arn": BUS})
    replayed = [d.event for d in events_mock.deliveries()]
    assert len(replayed) == 3
    assert all(e["detail"] == DETAIL and e["source"] == "orders" for e in replayed)


def test_changing_an_event_read_from_the_logs_changes_no_delivery(events, events_mock, two_rules):
    put(events)
    events_mock.events()[0]["detail"]["order"]["id"] = 0
    events_mock.deliveries(QUEUE)[0].event["detail"]["order"]["id"] = 0
    assert events_mock.events()[0]["detail"] == DETAIL
    assert [d.event["detail"] for d in events_mock.deliveries() if d.target_arn != QUEUE] == [DETAIL] * 2


def test_each_parse_of_the_payload_is_a_new_object(events, events_mock, two_rules):
    events_mock.on_target(FUNCTION, lambda d: d.json()["detail"]["order"].clear())
    put(events)
    (delivery,) = events_mock.deliveries(FUNCTION)
    assert delivery.json()["detail"] == DETAIL


def test_a_deeply_nested_event_is_copied_for_the_callback(events, events_mock):
    events.put_rule(Name="a", EventPattern='{"source":["orders"]}')
    events.put_targets(Rule="a", Targets=[{"Id": "f", "Arn": FUNCTION}])
    depths = []

    def depth_of(delivery: Any) -> None:
        node, depth = delivery.event["detail"], 0
        while isinstance(node, dict) and "n" in node:
            node, depth = node["n"], depth + 1
        depths.append(depth)

    events_mock.on_target(FUNCTION, depth_of)
    detail = '{"n":' * 900 + "{}" + "}" * 900
    events.put_events(Entries=[{"Source": "orders", "DetailType": "deep", "Detail": detail}])
    assert depths == [900]


def test_a_second_callback_of_the_same_target_sees_the_event_unchanged(events, events_mock, two_rules):
    seen = []
    events_mock.on_target(FUNCTION, vandalize)
    events_mock.on_target(FUNCTION, lambda d: seen.append(d.event["detail"]))
    put(events)
    assert seen == [DETAIL]
