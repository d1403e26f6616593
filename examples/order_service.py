"""An order service that publishes to EventBridge, run against mock-events.

The service code (OrderService) is what you would ship: it only knows boto3. The block under
``main`` is what a test does: activate the mock, stand in a Lambda function with a callback,
and read what each target received.

Run: python examples/order_service.py
"""

from __future__ import annotations

import json

import boto3

from mock_events import Delivery, mock_events

BUS = "orders"
QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:order-notifications"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:fraud-check"


class OrderService:
    """Sets up its bus and rules once, then publishes an event per order."""

    def __init__(self, events) -> None:  # noqa: ANN001 - a boto3 events client
        self.events = events

    def set_up(self) -> None:
        self.events.create_event_bus(Name=BUS)
        # Every placed order: a short notification for the customer-messages queue.
        self.events.put_rule(
            Name="notify-customer",
            EventBusName=BUS,
            EventPattern=json.dumps({"source": ["shop.orders"], "detail-type": ["Order Placed"]}),
        )
        self.events.put_targets(
            Rule="notify-customer",
            EventBusName=BUS,
            Targets=[{
                "Id": "notifications",
                "Arn": QUEUE_ARN,
                "InputTransformer": {
                    "InputPathsMap": {"order": "$.detail.orderId", "email": "$.detail.customer.email"},
                    "InputTemplate": '{"to": <email>, "subject": "Order <order> received"}',
                },
            }],
        )
        # Large orders: the whole event to the fraud-check function.
        self.events.put_rule(
            Name="large-orders",
            EventBusName=BUS,
            EventPattern=json.dumps({"source": ["shop.orders"], "detail": {"total": [{"numeric": [">=", 1000]}]}}),
        )
        self.events.put_targets(Rule="large-orders", EventBusName=BUS, Targets=[{"Id": "fraud", "Arn": FUNCTION_ARN}])

    def place_order(self, order_id: str, email: str, total: float) -> str:
        detail = {"orderId": order_id, "customer": {"email": email}, "total": total}
        out = self.events.put_events(Entries=[{
            "EventBusName": BUS,
            "Source": "shop.orders",
            "DetailType": "Order Placed",
            "Detail": json.dumps(detail),
        }])
        return out["Entries"][0]["EventId"]


def main() -> None:
    with mock_events() as m:
        checked: list[str] = []

        def fraud_check(delivery: Delivery) -> None:  # stands in for the Lambda function
            checked.append(delivery.json()["detail"]["orderId"])

        m.on_target(FUNCTION_ARN, fraud_check)

        service = OrderService(boto3.client("events", region_name="us-east-1"))
        service.set_up()
        service.place_order("o-1001", "ada@example.com", 25.5)
        service.place_order("o-1002", "grace@example.com", 4200)

        print("notification queue received:")
        for delivery in m.deliveries(QUEUE_ARN):
            print("  ", delivery.payload)
        print("fraud-check function was called for:", ", ".join(checked))
        print("events on the orders bus:", len(m.events(BUS)))


if __name__ == "__main__":
    main()
