"""Hostile but valid values through the whole path of an event: put, archive, replay, explain."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

QUEUE = "arn:aws:sqs:us-east-1:123456789012:q"
START = datetime(2025, 1, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("when", "shown"),
    [
        (datetime(1, 1, 1, tzinfo=timezone.utc), "0001-01-01T00:00:00Z"),
        (datetime(999, 12, 31, 23, 59, 59, tzinfo=timezone.utc), "0999-12-31T23:59:59Z"),
        (datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc), "9999-12-31T23:59:59Z"),
    ],
)
def test_an_entry_time_at_the_ends_of_the_calendar_is_archived_and_replayed(events, events_mock, when, shown):
    events_mock.clock.freeze()
    events_mock.clock.set(START)
    bus = events.describe_event_bus()["Arn"]
    archive = events.create_archive(ArchiveName="all", EventSourceArn=bus)["ArchiveArn"]
    events.put_rule(Name="r", EventPattern='{"source":["app"]}')
    events.put_targets(Rule="r", Targets=[{"Id": "q", "Arn": QUEUE}])
    answer = events.put_events(Entries=[{"Source": "app", "DetailType": "t", "Detail": "{}", "Time": when}])
    assert answer["FailedEntryCount"] == 0
    assert [e["time"] for e in events_mock.events()] == [shown]
    events_mock.clock.advance(minutes=10)
    events.start_replay(ReplayName="back", EventSourceArn=archive, EventStartTime=datetime(1, 1, 1),
                        EventEndTime=START + timedelta(minutes=5), Destination={"Arn": bus})
    replay = events.describe_replay(ReplayName="back")
    assert replay["State"] == "COMPLETED"
    replayed = [d.event["time"] for d in events_mock.deliveries(QUEUE) if "replay-name" in d.event]
    assert replayed == ([shown] if when < START else [])  # an event's time decides if it is replayed
