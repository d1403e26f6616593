"""A moto SQS queue receiving a transformed event from a mock-events rule.

moto simulates SQS, mock-events simulates EventBridge: with both active, the rule's delivery is
sent into moto's queue as AWS would send it, and the code under test reads the queue as it would
in production. Needs moto (``pip install -e '.[test]'``).

Run: python examples/moto_queue.py
"""

from __future__ import annotations

import json

import boto3
from moto import mock_aws

from mock_events import mock_events


def main() -> None:
    with mock_aws(), mock_events() as m:
        sqs = boto3.client("sqs", region_name="us-east-1")
        queue_url = sqs.create_queue(QueueName="shipping-labels")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]

        events = boto3.client("events", region_name="us-east-1")
        events.put_rule(
            Name="label-paid-orders",
            EventPattern=json.dumps({"source": ["shop.orders"], "detail": {"status": ["PAID"]}}),
        )
        events.put_targets(
            Rule="label-paid-orders",
            Targets=[{
                "Id": "labels",
                "Arn": queue_arn,
                "InputTransformer": {
                    "InputPathsMap": {"order": "$.detail.order", "city": "$.detail.address.city"},
                    "InputTemplate": '{"label": "Order <order> to <city>", "order": <order>}',
                },
            }],
        )

        for order, status in (("o-1", "PAID"), ("o-2", "CANCELLED")):
            detail = {"order": order, "status": status, "address": {"city": "Lyon"}}
            events.put_events(
                Entries=[{"Source": "shop.orders", "DetailType": "Order", "Detail": json.dumps(detail)}]
            )

        received = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        for message in received:
            print("the queue received:", message["Body"])
        print("deliveries recorded by mock-events:", len(m.deliveries(queue_arn)))


if __name__ == "__main__":
    main()
