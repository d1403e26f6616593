"""Archive order events, lose a day of processing to a bug, then replay that day to the fixed consumer.

Run with ``python examples/archive_and_replay.py``.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import boto3

from mock_events import mock_events

BUS = "arn:aws:events:us-east-1:123456789012:event-bus/default"
BILLING = "arn:aws:lambda:us-east-1:123456789012:function:billing"


def main() -> None:
    with mock_events(replay_mode="clock") as m:
        m.clock.freeze()
        day = datetime(2024, 6, 3, tzinfo=timezone.utc)
        m.clock.set(day)
        events = boto3.client("events", region_name="us-east-1")

        archive = events.create_archive(ArchiveName="orders", EventSourceArn=BUS,
                                        EventPattern='{"source":["shop.orders"]}', RetentionDays=30)
        events.put_rule(Name="billing", EventPattern='{"source":["shop.orders"]}')
        events.put_targets(Rule="billing", Targets=[{"Id": "billing", "Arn": BILLING}])

        billed: list[dict] = []
        broken = True

        def billing(delivery) -> None:  # noqa: ANN001
            event = delivery.json()
            if broken:
                raise RuntimeError("billing bug: currency missing")
            billed.append(event)

        m.on_target(BILLING, billing)

        for hour in range(0, 24, 3):
            m.clock.set(day + timedelta(hours=hour))
            events.put_events(Entries=[{
                "Source": "shop.orders", "DetailType": "OrderPlaced",
                "Detail": json.dumps({"order": f"o-{hour:02d}", "total": 10 + hour}),
            }])
        info = events.describe_archive(ArchiveName="orders")
        print(f"Archived {info['EventCount']} events ({info['SizeBytes']} bytes); "
              f"billing failures: {len([f for f in m.failures() if f.outcome == 'dropped'])}")

        broken = False
        m.clock.set(day + timedelta(days=1))
        out = events.start_replay(ReplayName="rebill-june-3", EventSourceArn=archive["ArchiveArn"],
                                  EventStartTime=day, EventEndTime=day + timedelta(days=1),
                                  Destination={"Arn": BUS, "FilterArns": [
                                      "arn:aws:events:us-east-1:123456789012:rule/billing"]})
        print(f"Replay {out['ReplayArn'].rsplit('/', 1)[1]}: {out['State']}")
        m.clock.advance(hours=12)
        replay = events.describe_replay(ReplayName="rebill-june-3")
        print(f"After 12 hours: {replay['State']}, replayed up to {replay['EventLastReplayedTime']:%H:%M}, "
              f"billed {len(billed)}")
        m.clock.advance(hours=12)
        replay = events.describe_replay(ReplayName="rebill-june-3")
        print(f"After 24 hours: {replay['State']}, billed {[e['detail']['order'] for e in billed]}")
        print(f"Each carries replay-name: {billed[0]['replay-name']}")
        print(f"Archive still holds {events.describe_archive(ArchiveName='orders')['EventCount']} events "
              "(replayed events are not archived again)")


if __name__ == "__main__":
    main()
