"""A suite written for moto, as teams write them: nothing here knows about mock-events.

tests/test_with_moto.py runs it with the switch on (``mock_events_with_moto = true`` or
``--mock-events-with-moto``) and checks it passes.
"""

import json
import unittest

import boto3
from moto import mock_aws

REGION = "us-east-1"


def make_queue(sqs, name):
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def paid_order(order):
    return {
        "EventBusName": "shop",
        "Source": "shop.orders",
        "DetailType": "Order Paid",
        "Detail": json.dumps({"order": order}),
    }


def wire_bus_to_queue(events, queue_arn):
    events.create_event_bus(Name="shop")
    events.put_rule(
        Name="paid-orders",
        EventBusName="shop",
        EventPattern=json.dumps({"source": ["shop.orders"], "detail-type": ["Order Paid"]}),
    )
    events.put_targets(Rule="paid-orders", EventBusName="shop", Targets=[{"Id": "queue", "Arn": queue_arn}])


def bodies(sqs, url):
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(m["Body"]) for m in messages]


@mock_aws
class TestPaidOrders(unittest.TestCase):
    def setUp(self):
        self.sqs = boto3.client("sqs", region_name=REGION)
        self.events = boto3.client("events", region_name=REGION)
        self.queue_url, queue_arn = make_queue(self.sqs, "paid-orders")
        wire_bus_to_queue(self.events, queue_arn)

    def test_a_paid_order_reaches_the_queue(self):
        self.events.put_events(Entries=[paid_order("o-1")])
        (body,) = bodies(self.sqs, self.queue_url)
        self.assertEqual(body["detail"], {"order": "o-1"})
        self.assertEqual(body["source"], "shop.orders")

    def test_another_event_does_not_reach_the_queue(self):
        self.events.put_events(Entries=[dict(paid_order("o-2"), DetailType="Order Cancelled")])
        self.assertEqual(bodies(self.sqs, self.queue_url), [])

    def test_the_rule_made_in_set_up_is_there(self):
        rules = self.events.list_rules(EventBusName="shop")["Rules"]
        self.assertEqual([r["Name"] for r in rules], ["paid-orders"])

    def test_each_test_starts_from_what_set_up_made(self):
        buses = {b["Name"] for b in self.events.list_event_buses()["EventBuses"]}
        self.assertEqual(buses, {"default", "shop"})
        self.events.create_event_bus(Name="left-behind")


@mock_aws
def test_a_decorated_function_gets_the_event_in_its_queue():
    sqs = boto3.client("sqs", region_name=REGION)
    events = boto3.client("events", region_name=REGION)
    url, arn = make_queue(sqs, "q")
    wire_bus_to_queue(events, arn)
    events.put_events(Entries=[paid_order("o-3")])
    assert [b["detail"]["order"] for b in bodies(sqs, url)] == ["o-3"]


@mock_aws
def test_a_decorated_function_starts_empty():
    events = boto3.client("events", region_name=REGION)
    assert [b["Name"] for b in events.list_event_buses()["EventBuses"]] == ["default"]


def test_nested_activations_share_their_state():
    with mock_aws():
        events = boto3.client("events", region_name=REGION)
        events.create_event_bus(Name="outer")
        with mock_aws():
            assert "outer" in {b["Name"] for b in events.list_event_buses()["EventBuses"]}
            sqs = boto3.client("sqs", region_name=REGION)
            url, arn = make_queue(sqs, "q")
            wire_bus_to_queue(events, arn)
        events.put_events(Entries=[paid_order("o-4")])
        assert len(bodies(sqs, url)) == 1


def test_start_and_stop():
    mock = mock_aws()
    mock.start()
    try:
        sqs = boto3.client("sqs", region_name=REGION)
        events = boto3.client("events", region_name=REGION)
        url, arn = make_queue(sqs, "q")
        wire_bus_to_queue(events, arn)
        events.put_events(Entries=[paid_order("o-5")])
        assert len(bodies(sqs, url)) == 1
    finally:
        mock.stop()
