"""Time costs: a day of 50 rate(1 minute) rules, and a replay of an archive of 100,000 events.

Run with ``python benchmarks/bench_time.py``; prints one plain table from one run.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import boto3

from mock_events import mock_events

START = datetime(2024, 1, 1, tzinfo=timezone.utc)
BUS = "arn:aws:events:us-east-1:123456789012:event-bus/default"


def advance_one_day() -> tuple[float, int]:
    # 72,000 fires on purpose: no ClockJumpWarning.
    with mock_events(fire_warning_threshold=None) as m:
        m.clock.freeze()
        m.clock.set(START)
        events = boto3.client("events", region_name="us-east-1")
        for i in range(50):
            events.put_rule(Name=f"job-{i}", ScheduleExpression="rate(1 minute)")
            events.put_targets(Rule=f"job-{i}", Targets=[{"Id": "t", "Arn": f"arn:aws:sqs:us-east-1:123456789012:q{i}"}])
        began = time.perf_counter()
        m.clock.advance(days=1)
        elapsed = time.perf_counter() - began
        return elapsed, len(m.deliveries())


def replay_archive(count: int = 100_000) -> tuple[float, float, int]:
    with mock_events() as m:
        m.clock.freeze()
        m.clock.set(START)
        events = boto3.client("events", region_name="us-east-1")
        archive = events.create_archive(ArchiveName="all", EventSourceArn=BUS)["ArchiveArn"]
        events.put_rule(Name="consumer", EventPattern='{"source":["bench"]}')
        events.put_targets(Rule="consumer", Targets=[{"Id": "t", "Arn": "arn:aws:sqs:us-east-1:123456789012:q"}])
        began = time.perf_counter()
        for start in range(0, count, 10):
            events.put_events(Entries=[
                {"Source": "bench", "DetailType": "Tick", "Detail": f'{{"n":{n}}}',
                 "Time": START + timedelta(seconds=n)}
                for n in range(start, start + 10)
            ])
        filled = time.perf_counter() - began
        m.clear_deliveries()
        began = time.perf_counter()
        events.start_replay(ReplayName="r", EventSourceArn=archive, EventStartTime=START,
                            EventEndTime=START + timedelta(days=365), Destination={"Arn": BUS})
        elapsed = time.perf_counter() - began
        assert events.describe_replay(ReplayName="r")["State"] == "COMPLETED"
        return elapsed, filled, len(m.deliveries())


def main() -> None:
    day, delivered = advance_one_day()
    replay, filled, replayed = replay_archive()
    rows = [
        ("advance 1 day, 50 rate(1 minute) rules", f"{delivered:,} deliveries", f"{day:.2f} s"),
        ("fill archive by PutEvents (10 per call)", "100,000 events", f"{filled:.2f} s"),
        ("replay archive (immediate mode)", f"{replayed:,} deliveries", f"{replay:.2f} s"),
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for row in rows:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)))


if __name__ == "__main__":
    main()
