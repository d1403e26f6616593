"""Hostile but valid values through the whole path of an event: put, archive, replay, explain."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

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


@pytest.mark.parametrize("expression", ["rate(69890632 hours)", "rate(999999999 days)", "rate(2147483647 minutes)"])
def test_a_rate_whose_first_fire_is_past_the_year_9999_is_stored_and_never_fires(events, events_mock, expression):
    events.put_rule(Name="rare", ScheduleExpression=expression)
    events.put_targets(Rule="rare", Targets=[{"Id": "q", "Arn": QUEUE}])
    assert events.describe_rule(Name="rare")["ScheduleExpression"] == expression
    events_mock.clock.advance(days=365)
    assert events_mock.deliveries() == []


LAST_MICROSECOND = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc)
"""Sent by botocore as 253402300799.999999 seconds, a float that rounds to the year 10000."""


def test_an_entry_time_at_the_last_microsecond_gets_an_entry_answer(events, events_mock):
    answer = events.put_events(Entries=[{"Source": "app", "DetailType": "t", "Detail": "{}", "Time": LAST_MICROSECOND}])
    entry = answer["Entries"][0]
    assert "EventId" in entry or entry["ErrorCode"] != "InternalException"
    assert len(events_mock.events()) == 1 - answer["FailedEntryCount"]  # a refused entry is not kept


def test_a_replay_window_ending_at_the_last_microsecond_is_refused_as_aws_refuses_or_runs(events, events_mock):
    bus = events.describe_event_bus()["Arn"]
    archive = events.create_archive(ArchiveName="all", EventSourceArn=bus)["ArchiveArn"]
    before = events_mock.snapshot()
    try:
        events.start_replay(ReplayName="all", EventSourceArn=archive, EventStartTime=START,
                            EventEndTime=LAST_MICROSECOND, Destination={"Arn": bus})
    except ClientError as refused:
        assert refused.response["Error"]["Code"] == "ValidationException"
        assert events_mock.snapshot() == before
    else:
        replay = events.describe_replay(ReplayName="all")
        assert replay["State"] == "COMPLETED"
        assert events.list_replays()["Replays"][0]["EventEndTime"] == replay["EventEndTime"]


def test_explain_takes_an_entry_time_as_epoch_seconds(events, events_mock):
    events.put_rule(Name="all", EventPattern='{"source":["app"]}')
    explanation = events_mock.explain({"Source": "app", "DetailType": "t", "Detail": "{}", "Time": 1735689600.5})
    assert explanation.event["time"] == "2025-01-01T00:00:00Z"


@pytest.mark.parametrize("detail", ["[1]", '"text"', '{"a": NaN}', '{"a": "\\ud800"}'])
def test_explain_refuses_a_detail_put_events_refuses(events, events_mock, detail):
    events.put_rule(Name="all", EventPattern='{"source":["app"]}')
    assert events.put_events(Entries=[{"Source": "app", "DetailType": "t", "Detail": detail}])["FailedEntryCount"] == 1
    with pytest.raises(ValueError, match="MalformedDetail"):
        events_mock.explain({"Source": "app", "DetailType": "t", "Detail": detail})
