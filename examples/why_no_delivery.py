"""Why didn't my rule fire? Ask the mock: explain an event, and assert on deliveries.

A rule listens for paid orders, but the code under test writes the state as "PAID". The test's
assertion fails with a message that says which field decided the miss.
"""

from __future__ import annotations

import json

import boto3

from mock_events import mock_events

QUEUE = "arn:aws:sqs:us-east-1:123456789012:paid-orders"


def publish_order(events, state: str) -> None:
    """The code under test."""
    detail = {"order": "o-1001", "state": state, "total": 42.5}
    events.put_events(Entries=[{"Source": "shop.orders", "DetailType": "Order Updated", "Detail": json.dumps(detail)}])


def main() -> None:
    with mock_events() as m:
        events = boto3.client("events", region_name="us-east-1")
        events.put_rule(
            Name="paid-orders",
            EventPattern=json.dumps({"source": ["shop.orders"], "detail": {"state": ["paid"]}}),
        )
        transformer = {"InputPathsMap": {"order": "$.detail.order"}, "InputTemplate": '{"order": <order>}'}
        events.put_targets(Rule="paid-orders", Targets=[{"Id": "q", "Arn": QUEUE, "InputTransformer": transformer}])

        publish_order(events, "PAID")
        try:
            m.assert_delivered(QUEUE)
        except AssertionError as failure:
            print("assert_delivered failed:\n" + str(failure) + "\n")

        entry = {"Source": "shop.orders", "DetailType": "Order Updated", "Detail": '{"order": "o-1001", "state": "paid"}'}
        print("explain:\n" + str(m.explain(entry)))

        publish_order(events, "paid")
        m.assert_delivered(QUEUE, count=1, where={"order": ["o-1001"]})
        print("\nafter the fix, delivered:", m.deliveries(QUEUE)[0].payload)


if __name__ == "__main__":
    main()
