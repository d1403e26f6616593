"""A nightly cleanup job on a cron schedule and a heartbeat every 15 minutes, run for two days.

Run with ``python examples/scheduled_job.py``.
"""

from __future__ import annotations

from datetime import datetime, timezone

import boto3

from mock_events import mock_events

CLEANUP = "arn:aws:lambda:us-east-1:123456789012:function:nightly-cleanup"
HEARTBEAT = "arn:aws:sqs:us-east-1:123456789012:heartbeats"


def main() -> None:
    with mock_events() as m:
        m.clock.freeze()
        m.clock.set(datetime(2024, 6, 7, 22, 0, tzinfo=timezone.utc))  # a Friday evening
        events = boto3.client("events", region_name="us-east-1")

        events.put_rule(Name="nightly-cleanup", ScheduleExpression="cron(30 2 ? * MON-FRI *)")
        events.put_targets(Rule="nightly-cleanup", Targets=[
            {"Id": "cleanup", "Arn": CLEANUP, "Input": '{"task": "purge-temp-files"}'},
        ])
        events.put_rule(Name="heartbeat", ScheduleExpression="rate(15 minutes)")
        events.put_targets(Rule="heartbeat", Targets=[{"Id": "hb", "Arn": HEARTBEAT}])

        m.on_target(CLEANUP, lambda d: print(f"  {d.time:%a %H:%M} cleanup ran with {d.json()}"))

        print("Advancing the clock over the weekend into Tuesday morning...")
        m.clock.advance(days=3, hours=6)

        beats = m.deliveries(HEARTBEAT)
        print(f"Heartbeats delivered: {len(beats)}, first at {beats[0].event['time']}, last at {beats[-1].event['time']}")
        print(f"Cleanup runs: {[d.event['time'] for d in m.deliveries(CLEANUP)]}")

        events.disable_rule(Name="heartbeat")
        m.clock.advance(hours=1)
        print(f"After disabling the heartbeat, still {len(m.deliveries(HEARTBEAT))} heartbeats")


if __name__ == "__main__":
    main()
