"""Moments near the year 1 and the year 9999: accepted and handled, or refused, never a crash.

Event times, schedules, archive retention, replay windows and the mock's clock all meet the ends
of Python's calendar; what lies past them never comes, and nothing is left half done.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import boto3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import error_of, profile_examples
from mock_events import EventsMock, timestamps

QUEUE = "arn:aws:sqs:us-east-1:123456789012:q"
FIRST = datetime(1, 1, 1, tzinfo=timezone.utc)
LAST_SECOND = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)


def timestamps_text(when: datetime) -> str:
    return f"{when.year:04d}" + when.strftime("-%m-%dT%H:%M:%SZ")


def put_at(events, when: datetime) -> dict:
    return events.put_events(Entries=[{"Source": "s", "DetailType": "t", "Detail": "{}", "Time": when}])


@pytest.fixture
def archived(events):
    bus = events.describe_event_bus()["Arn"]
    archive = events.create_archive(ArchiveName="all", EventSourceArn=bus, RetentionDays=2**31 - 1)["ArchiveArn"]
    events.put_rule(Name="r", EventPattern='{"source":["s"]}')
    events.put_targets(Rule="r", Targets=[{"Id": "q", "Arn": QUEUE}])
    return bus, archive


def test_events_timed_at_the_ends_of_the_calendar_are_delivered_archived_and_replayed(
    events, events_mock, archived
):
    bus, archive = archived
    for when in (FIRST, LAST_SECOND):
        assert put_at(events, when)["FailedEntryCount"] == 0
    times = [d.event["time"] for d in events_mock.deliveries(QUEUE)]
    assert times == ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"]
    assert events.describe_archive(ArchiveName="all")["EventCount"] == 2

    events.start_replay(ReplayName="all-time", EventSourceArn=archive, EventStartTime=FIRST,
                        EventEndTime=datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=timezone.utc),
                        Destination={"Arn": bus})
    replay = events.describe_replay(ReplayName="all-time")
    assert replay["State"] == "COMPLETED"
    replayed = [d.event["time"] for d in events_mock.deliveries(QUEUE) if "replay-name" in d.event]
    # The window ends before EventEndTime. Older botocore (1.40, as the test extra resolves) sends whole
    # seconds (23:59:59: the last second's event is outside the window); newer ones send milliseconds.
    inside = [FIRST] + ([LAST_SECOND] if replay["EventEndTime"] > LAST_SECOND else [])
    assert replayed == [timestamps_text(t) for t in inside]


def test_a_target_template_renders_the_year_1_with_four_digits(events, events_mock):
    events.put_rule(Name="r", EventPattern='{"source":["s"]}')
    events.put_targets(Rule="r", Targets=[{"Id": "q", "Arn": QUEUE, "InputTransformer": {
        "InputPathsMap": {"t": "$.time"}, "InputTemplate": '"<t> <aws.events.event.ingestion-time>"'}}])
    events_mock.clock.set(datetime(1, 1, 2))
    put_at(events, FIRST)
    assert events_mock.deliveries(QUEUE)[0].payload == '"0001-01-01T00:00:00Z 0001-01-02T00:00:00Z"'


def test_a_replay_of_the_whole_calendar_in_clock_mode_completes_when_the_clock_reaches_its_end():
    with EventsMock(replay_mode="clock") as mock:
        events = boto3.client("events", region_name="us-east-1")
        bus = events.describe_event_bus()["Arn"]
        archive = events.create_archive(ArchiveName="all", EventSourceArn=bus)["ArchiveArn"]
        events.put_rule(Name="r", EventPattern='{"source":["s"]}')
        events.put_targets(Rule="r", Targets=[{"Id": "q", "Arn": QUEUE}])
        put_at(events, LAST_SECOND - timedelta(days=1))
        events.start_replay(ReplayName="long", EventSourceArn=archive, EventStartTime=FIRST,
                            EventEndTime=LAST_SECOND, Destination={"Arn": bus})
        mock.clock.advance(minutes=2)
        assert events.describe_replay(ReplayName="long")["State"] == "RUNNING"
        mock.clock.set(datetime.max)
        described = events.describe_replay(ReplayName="long")
        assert described["State"] == "COMPLETED"
        assert described["EventLastReplayedTime"] == LAST_SECOND
        assert [d.event.get("replay-name") for d in mock.deliveries(QUEUE)] == [None, "long"]


def test_cancelling_a_replay_at_the_last_minute_of_the_calendar_ends_it():
    with EventsMock(replay_mode="clock") as mock:
        events = boto3.client("events", region_name="us-east-1")
        bus = events.describe_event_bus()["Arn"]
        archive = events.create_archive(ArchiveName="all", EventSourceArn=bus)["ArchiveArn"]
        mock.clock.set(datetime(9999, 12, 31, 23, 59, 30))
        events.start_replay(ReplayName="late", EventSourceArn=archive, EventStartTime=FIRST,
                            EventEndTime=LAST_SECOND, Destination={"Arn": bus})
        events.cancel_replay(ReplayName="late")
        mock.clock.set(datetime.max)
        assert events.describe_replay(ReplayName="late")["State"] == "CANCELLED"


def test_a_rate_whose_first_fire_is_past_the_year_9999_is_stored_and_never_fires(events, events_mock):
    events.put_rule(Name="r4", ScheduleExpression="rate(69890632 hours)")
    events.put_targets(Rule="r4", Targets=[{"Id": "q", "Arn": QUEUE}])
    assert events.describe_rule(Name="r4")["ScheduleExpression"] == "rate(69890632 hours)"
    events_mock.clock.set(datetime.max)
    assert events_mock.deliveries(QUEUE) == []


def test_a_rate_past_what_aws_reads_as_an_integer_is_refused_and_stores_nothing(events):
    with pytest.raises(events.exceptions.ClientError) as excinfo:
        events.put_rule(Name="r5", ScheduleExpression="rate(2147483648 minutes)")
    assert error_of(excinfo) == ("ValidationException", "Parameter ScheduleExpression is not valid.")
    assert events.list_rules(NamePrefix="r5")["Rules"] == []
    events.put_rule(Name="r5", ScheduleExpression="rate(2147483647 days)")


def test_a_schedule_near_the_last_second_of_the_calendar_fires_until_it_ends(events, events_mock):
    events_mock.clock.set(datetime(9999, 12, 31, 23, 57, 30))
    events.put_rule(Name="minutely", ScheduleExpression="rate(1 minute)")
    events.put_targets(Rule="minutely", Targets=[{"Id": "q", "Arn": QUEUE}])
    events_mock.clock.set(datetime.max)
    assert [d.event["time"] for d in events_mock.deliveries(QUEUE)] == [
        "9999-12-31T23:58:30Z", "9999-12-31T23:59:30Z"]


def test_archive_retention_counts_from_the_year_1(events, events_mock, archived):
    events_mock.clock.set(datetime(1, 1, 1, 0, 0, 1))
    put_at(events, FIRST)
    events.update_archive(ArchiveName="all", RetentionDays=1)
    events_mock.clock.advance(days=2)
    assert events.describe_archive(ArchiveName="all")["EventCount"] == 0


def test_advancing_the_clock_past_the_year_9999_is_refused_and_moves_nothing(events_mock):
    events_mock.clock.freeze()
    events_mock.clock.set(datetime(9999, 12, 31, 23, 59))
    for step in ({"days": 1}, {"days": 10**12}, {"delta": timedelta.max}):
        with pytest.raises(ValueError, match="past the year 9999"):
            events_mock.clock.advance(**step)
        assert events_mock.clock.now() == datetime(9999, 12, 31, 23, 59, tzinfo=timezone.utc)


def test_a_running_clock_set_to_its_last_moment_stays_there(events, events_mock):
    events_mock.clock.set(datetime.max)
    assert events_mock.clock.now() == timestamps.LATEST
    assert put_at(events, LAST_SECOND)["FailedEntryCount"] == 0


def test_a_clock_set_to_a_moment_outside_the_calendar_in_utc_is_a_value_error(events_mock):
    before = events_mock.clock.now()
    with pytest.raises(ValueError):
        events_mock.clock.set(datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1))))
    assert events_mock.clock.now() >= before


def test_request_timestamps_outside_the_calendar_are_out_of_range():
    # botocore refuses these itself; the mock's handlers refuse them too, for any other client.
    for value in (-62135596801, 253402300800, float("nan"), 10**15):
        with pytest.raises(timestamps.OutOfRange):
            timestamps.from_request(value)
    assert timestamps.from_request(-62135596800) == FIRST


@pytest.mark.parametrize("moment, text", [
    (datetime(1, 1, 1, tzinfo=timezone.utc), "0001-01-01T00:00:00Z"),
    (datetime(999, 2, 3, 4, 5, 6, 999999, tzinfo=timezone.utc), "0999-02-03T04:05:06Z"),
    (datetime(9999, 12, 31, 23, 59, 59, 999999), "9999-12-31T23:59:59Z"),
    (datetime(2024, 1, 1, 1, 30, tzinfo=timezone(timedelta(hours=2))), "2023-12-31T23:30:00Z"),
    (datetime(2024, 1, 1, 1, 30, tzinfo=timezone(timedelta(0))), "2024-01-01T01:30:00Z"),
])
def test_an_event_time_is_written_in_utc_to_the_second_with_a_four_digit_year(moment, text):
    assert timestamps.format_time(moment) == text


def test_moments_either_side_of_a_second_are_written_as_their_own_second():
    # format_time remembers the last second it wrote.
    for start in (
        datetime(1969, 12, 31, 23, 59, 59, tzinfo=timezone.utc),
        datetime(2024, 2, 29, 23, 59, 59, tzinfo=timezone.utc),
        datetime(9999, 12, 31, 23, 59, 58, tzinfo=timezone.utc),
        FIRST,
    ):
        late = start.replace(microsecond=999999)
        following = start + timedelta(seconds=1)
        for moment in (start, late, following, late, start, following, following):
            assert timestamps.format_time(moment) == f"{moment.year:04d}" + moment.strftime("-%m-%dT%H:%M:%SZ")


def _cron(minute: str, hour: str, days: tuple[str, str], month: str, year: str) -> str:
    return f"cron({minute} {hour} {days[0]} {month} {days[1]} {year})"


_schedules = st.one_of(
    st.builds(
        _cron,
        st.sampled_from(["*", "0", "59", "*/7", "0/30", "50-10"]),
        st.sampled_from(["*", "0", "23", "22-2", "*/5"]),
        st.one_of(st.tuples(st.sampled_from(["*", "31", "L", "LW", "31W", "1", "28-3"]), st.just("?")),
                  st.tuples(st.just("?"), st.sampled_from(["*", "SAT", "1L", "7#5", "FRI-MON"]))),
        st.sampled_from(["*", "12", "DEC", "NOV-FEB", "1"]),
        st.sampled_from(["*", "1970", "2199", "1970-2199", "2030"]),
    ),
    st.builds(lambda n, unit: f"rate({n} {unit}{'s' if n > 1 else ''})",
              st.sampled_from([1, 2, 59, 60, 1440, 69890632, 2**31 - 1]), st.sampled_from(["minute", "hour", "day"])),
)
_clocks = st.sampled_from([
    FIRST, FIRST + timedelta(seconds=59), LAST_SECOND - timedelta(minutes=1), LAST_SECOND - timedelta(seconds=30),
    LAST_SECOND, LAST_SECOND + timedelta(microseconds=999_999),
])


@settings(max_examples=profile_examples(150), deadline=None)
@given(clock=_clocks, expression=_schedules)
def test_any_schedule_put_with_the_clock_at_an_end_of_the_calendar_is_answered_and_a_refusal_stores_nothing(
        clock, expression):
    with EventsMock(fire_warning_threshold=None) as m:
        m.clock.set(clock)
        m.clock.freeze()
        events = boto3.client("events", region_name="us-east-1")
        try:
            events.put_rule(Name="s", ScheduleExpression=expression)
        except events.exceptions.ClientError as e:
            assert (e.response["Error"]["Code"], e.response["Error"]["Message"]) == (
                "ValidationException", "Parameter ScheduleExpression is not valid.")
            assert events.list_rules()["Rules"] == []
            return
        events.put_targets(Rule="s", Targets=[{"Id": "q", "Arn": QUEUE}])
        events.disable_rule(Name="s")
        events.enable_rule(Name="s")
        last = LAST_SECOND + timedelta(microseconds=999_999)
        m.clock.set(clock + timedelta(minutes=2) if clock < last - timedelta(minutes=2) else last)
        assert events.describe_rule(Name="s")["ScheduleExpression"] == expression
