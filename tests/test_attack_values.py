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


DEEP = '{"a":' * 999 + "1" + "}" * 999
"""A Detail nested as deep as PutEvents accepts (with the envelope, 1,000 levels)."""


@pytest.fixture
def deep_delivered(events, events_mock):
    events.put_rule(Name="all", EventPattern='{"source":["app"]}')
    events.put_targets(Rule="all", Targets=[{"Id": "q", "Arn": QUEUE}])
    events.put_rule(Name="other", EventPattern='{"detail":{"a":{"b":["x"]}}}')
    events.put_targets(Rule="other", Targets=[{"Id": "q", "Arn": QUEUE + "2"}])
    answer = events.put_events(Entries=[{"Source": "app", "DetailType": "t", "Detail": DEEP}])
    assert answer["FailedEntryCount"] == 0
    return events_mock


def test_explain_reads_an_entry_with_a_deepest_detail(deep_delivered):
    explanation = deep_delivered.explain({"Source": "app", "DetailType": "t", "Detail": DEEP})
    assert explanation
    assert "other" in str(explanation)


def test_assert_delivered_where_reads_a_deepest_delivery(deep_delivered):
    deep_delivered.assert_delivered(QUEUE, where={"source": ["app"], "detail-type": ["t"]})


def test_a_failed_assert_delivered_shows_a_deepest_delivery(deep_delivered):
    with pytest.raises(AssertionError) as failed:
        deep_delivered.assert_delivered(QUEUE, where={"source": ["nothing"]})
    assert "app" in str(failed.value)
    with pytest.raises(AssertionError) as failed:
        deep_delivered.assert_delivered(QUEUE + "2")
    assert "other" in str(failed.value)
