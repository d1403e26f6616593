"""Replays through boto3: errors, fields, what is replayed and where, immediate and clock modes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

from conftest import error_of, load_corpus
from mock_events import mock_events

UTC = timezone.utc
START = datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC)
ACCOUNT = "123456789012"
DEFAULT_BUS = f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/default"
CUSTOM_BUS = f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/orders"
ARCHIVE = f"arn:aws:events:us-east-1:{ACCOUNT}:archive/all"
QUEUE = f"arn:aws:sqs:us-east-1:{ACCOUNT}:q"
REPLAY_OPS = ("StartReplay", "DescribeReplay", "ListReplays", "CancelReplay")


def _case(name_part: str) -> dict:
    (case,) = [c for c in load_corpus("api_errors.json") if name_part in c["name"]]
    return case


CLOCK_MODE = pytest.mark.mock_events(replay_mode="clock")
"""A test's mock runs replays a minute of events per minute of its clock (``replay_mode="clock"``)."""


@pytest.fixture
def m(events_mock):  # noqa: ANN001, ANN201
    events_mock.clock.freeze()
    events_mock.clock.set(START)
    return events_mock


@pytest.fixture
def archived(events, m):  # noqa: ANN001, ANN201
    """An archive of every event on the default bus, a rule to a queue, and three archived events
    at START, START+1min and START+2min."""
    events.create_archive(ArchiveName="all", EventSourceArn=DEFAULT_BUS)
    events.put_rule(Name="to-queue", EventPattern='{"source":["orders"]}')
    events.put_targets(Rule="to-queue", Targets=[{"Id": "q", "Arn": QUEUE}])
    for i in range(3):
        events.put_events(Entries=[{"Source": "orders", "DetailType": "Placed", "Detail": f'{{"n":{i}}}',
                                    "Time": START + timedelta(minutes=i)}])
    m.clear_deliveries()
    return events


def _start(events, name: str = "r", start: datetime = START, end: datetime | None = None, **kw):  # noqa: ANN001, ANN202
    return events.start_replay(
        ReplayName=name, EventSourceArn=kw.pop("archive", ARCHIVE), EventStartTime=start,
        EventEndTime=end or START + timedelta(minutes=3), Destination=kw.pop("destination", {"Arn": DEFAULT_BUS}),
        **kw,
    )


def test_conformance_covers_every_replay_case():
    cases = [c for c in load_corpus("api_errors.json") if c["operation"] in REPLAY_OPS]
    assert len(cases) == 9  # each is exercised by one test_conformance_* test below


def test_conformance_destination_bus_does_not_exist(archived):
    case = _case("start-replay-unknown-event-bus-error")
    with pytest.raises(ClientError) as excinfo:
        _start(archived, destination={"Arn": f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/nope"})
    assert error_of(excinfo) == (case["error_code"], case["message"].replace("<event-bus-name>", "nope"))


def test_conformance_destination_is_another_bus(archived):
    case = _case("start-replay-wrong-event-bus-error")
    archived.create_event_bus(Name="orders")
    with pytest.raises(ClientError) as excinfo:
        _start(archived, destination={"Arn": CUSTOM_BUS})
    assert error_of(excinfo) == (case["error_code"], case["message"])


def test_conformance_unknown_archive(events):
    case = _case("start-replay-unknown-archive-error")
    with pytest.raises(ClientError) as excinfo:
        _start(events, archive=f"arn:aws:events:us-east-1:{ACCOUNT}:archive/ghost")
    assert error_of(excinfo) == (case["error_code"], case["message"].replace("<archive-name>", "ghost"))


def test_conformance_duplicate_name_same_archive(archived):
    case = _case("test_start_replay_error_duplicate_name_same_archive")
    _start(archived)
    with pytest.raises(ClientError) as excinfo:
        _start(archived)
    assert error_of(excinfo) == (case["error_code"], case["message"].replace("<replay-name>", "r"))


def test_conformance_duplicate_name_different_archive(archived):
    case = _case("test_start_replay_error_duplicate_different_archive")
    archived.create_event_bus(Name="orders")
    archived.create_archive(ArchiveName="second", EventSourceArn=CUSTOM_BUS)
    _start(archived)
    with pytest.raises(ClientError) as excinfo:
        _start(archived, archive=f"arn:aws:events:us-east-1:{ACCOUNT}:archive/second", destination={"Arn": CUSTOM_BUS})
    assert error_of(excinfo) == (case["error_code"], case["message"].replace("<replay-name>", "r"))


@pytest.mark.parametrize("seconds", [0, 10])
def test_conformance_end_not_after_start(archived, m, seconds):
    case = _case(f"test_start_replay_error_invalid_end_time[{seconds}]")
    m.clock.set(START + timedelta(microseconds=500_000))
    now = m.clock.now()
    with pytest.raises(ClientError) as excinfo:
        _start(archived, start=now, end=now.replace(microsecond=0) - timedelta(seconds=seconds))
    assert error_of(excinfo) == (case["error_code"], case["message"])
    assert archived.list_replays()["Replays"] == []


@CLOCK_MODE
def test_conformance_eleventh_active_replay(archived):
    case = _case("tests_concurrency_error_too_many_active_replays")
    for i in range(10):
        _start(archived, name=f"replay-{i}")
    with pytest.raises(ClientError) as excinfo:
        _start(archived, name="replay-10")
    assert error_of(excinfo) == (case["error_code"], case["message"])


def test_conformance_describe_unknown_replay(events):
    case = _case("test_describe_replay_error_unknown_replay")
    with pytest.raises(ClientError) as excinfo:
        events.describe_replay(ReplayName="ghost")
    assert error_of(excinfo) == (case["error_code"], case["message"].replace("<replay-name>", "ghost"))


def test_finished_replays_do_not_count_against_the_quota(archived):
    for i in range(12):
        _start(archived, name=f"replay-{i}")
    assert len(archived.list_replays()["Replays"]) == 12


@pytest.mark.mock_events(replay_mode="clock", quotas={"active_replays": 1})
def test_active_replay_quota_is_adjustable(archived):
    _start(archived, name="a")
    with pytest.raises(ClientError):
        _start(archived, name="b")


def test_destination_must_be_a_bus(archived):
    with pytest.raises(ClientError) as excinfo:
        _start(archived, destination={"Arn": QUEUE})
    assert error_of(excinfo) == (
        "ValidationException", "Parameter Destination.Arn is not valid. Reason: Must contain an event bus ARN.")


def test_start_response_shows_starting(archived, m):
    out = _start(archived)
    assert (out["ReplayArn"], out["State"], out["ReplayStartTime"]) == (
        f"arn:aws:events:us-east-1:{ACCOUNT}:replay/r", "STARTING", START)


def test_immediate_replay_is_completed_when_start_returns(archived, m):
    _start(archived, Description="again")
    out = archived.describe_replay(ReplayName="r")
    out.pop("ResponseMetadata")
    assert out == {
        "ReplayName": "r", "ReplayArn": f"arn:aws:events:us-east-1:{ACCOUNT}:replay/r", "Description": "again",
        "State": "COMPLETED", "EventSourceArn": ARCHIVE, "Destination": {"Arn": DEFAULT_BUS},
        "EventStartTime": START, "EventEndTime": START + timedelta(minutes=3),
        "EventLastReplayedTime": START + timedelta(minutes=3), "ReplayStartTime": START, "ReplayEndTime": START,
    }


def test_replayed_events_reach_the_rules_with_replay_name_after_region(archived, m):
    _start(archived)
    events = [d.json() for d in m.deliveries(QUEUE)]
    assert [e["detail"]["n"] for e in events] == [0, 1, 2]
    assert list(events[0]) == ["version", "id", "detail-type", "source", "account", "time", "region",
                               "replay-name", "resources", "detail"]
    assert {e["replay-name"] for e in events} == {"r"}
    assert events[1]["time"] == "2024-03-01T12:01:00Z"


def test_window_includes_start_and_excludes_end(archived, m):
    _start(archived, start=START + timedelta(minutes=1), end=START + timedelta(minutes=2))
    assert [d.json()["detail"]["n"] for d in m.deliveries(QUEUE)] == [1]


def test_replayed_events_are_not_archived_again(archived):
    _start(archived)
    assert archived.describe_archive(ArchiveName="all")["EventCount"] == 3


def test_replay_to_an_archive_with_a_pattern_does_not_rearchive(events, m):
    events.create_archive(ArchiveName="all", EventSourceArn=DEFAULT_BUS, EventPattern='{"source":["orders"]}')
    events.put_events(Entries=[{"Source": "orders", "DetailType": "d", "Detail": "{}"}])
    _start(events, start=START - timedelta(minutes=1), end=START + timedelta(minutes=1))
    assert events.describe_archive(ArchiveName="all")["EventCount"] == 1


def test_filter_arns_limit_the_rules(archived, m):
    archived.put_rule(Name="other", EventPattern='{"source":["orders"]}')
    archived.put_targets(Rule="other", Targets=[{"Id": "o", "Arn": QUEUE + "-other"}])
    _start(archived, destination={"Arn": DEFAULT_BUS, "FilterArns": [f"arn:aws:events:us-east-1:{ACCOUNT}:rule/other"]})
    assert m.deliveries(QUEUE) == []
    assert len(m.deliveries(QUEUE + "-other")) == 3


def test_disabled_rules_get_no_replayed_events(archived, m):
    archived.disable_rule(Name="to-queue")
    _start(archived)
    assert m.deliveries() == []


def test_a_window_of_decades_with_few_events_returns_at_once(archived, m):
    _start(archived, start=datetime(1970, 1, 1, tzinfo=UTC), end=datetime(2100, 1, 1, tzinfo=UTC))
    assert len(m.deliveries(QUEUE)) == 3
    assert archived.describe_replay(ReplayName="r")["State"] == "COMPLETED"


def test_list_replays_items(archived, m):
    _start(archived)
    assert archived.list_replays()["Replays"] == [{
        "ReplayName": "r", "State": "COMPLETED", "EventSourceArn": ARCHIVE, "EventStartTime": START,
        "EventEndTime": START + timedelta(minutes=3), "EventLastReplayedTime": START + timedelta(minutes=3),
        "ReplayStartTime": START, "ReplayEndTime": START,
    }]


def test_list_replays_filters_and_pages(archived):
    for i in range(6):
        _start(archived, name=f"r{i}")
    first = archived.list_replays(Limit=3)
    second = archived.list_replays(Limit=5, NextToken=first["NextToken"])
    assert len(first["Replays"]) == 3 and len(second["Replays"]) == 3 and "NextToken" not in second
    assert [r["ReplayName"] for r in archived.list_replays(NamePrefix="r5")["Replays"]] == ["r5"]
    assert len(archived.list_replays(State="COMPLETED")["Replays"]) == 6
    assert archived.list_replays(State="RUNNING")["Replays"] == []
    assert len(archived.list_replays(EventSourceArn=ARCHIVE)["Replays"]) == 6


def test_list_replays_refuses_two_filters(events):
    with pytest.raises(ClientError) as excinfo:
        events.list_replays(NamePrefix="a", State="RUNNING")
    assert error_of(excinfo)[0] == "ValidationException"


def test_cancel_a_completed_replay_is_refused(archived):
    _start(archived)
    with pytest.raises(ClientError) as excinfo:
        archived.cancel_replay(ReplayName="r")
    assert error_of(excinfo) == ("IllegalStatusException", "Replay r is not in a valid state for this operation.")


def test_cancel_unknown_replay(events):
    with pytest.raises(ClientError) as excinfo:
        events.cancel_replay(ReplayName="ghost")
    assert error_of(excinfo) == ("ResourceNotFoundException", "Replay ghost does not exist.")


# -- clock mode ---------------------------------------------------------------------------------


@CLOCK_MODE
def test_clock_replay_starts_then_runs_a_minute_of_events_per_minute(archived, m):
    _start(archived)
    assert archived.describe_replay(ReplayName="r")["State"] == "STARTING"
    assert m.deliveries() == []
    m.clock.advance(minutes=1)
    out = archived.describe_replay(ReplayName="r")
    assert out["State"] == "RUNNING"
    assert out["EventLastReplayedTime"] == START + timedelta(minutes=1)
    assert [d.json()["detail"]["n"] for d in m.deliveries(QUEUE)] == [0]
    m.clock.advance(minutes=1)
    assert [d.json()["detail"]["n"] for d in m.deliveries(QUEUE)] == [0, 1]
    m.clock.advance(minutes=1)
    out = archived.describe_replay(ReplayName="r")
    assert out["State"] == "COMPLETED"
    assert out["ReplayEndTime"] == START + timedelta(minutes=3)
    assert [d.json()["detail"]["n"] for d in m.deliveries(QUEUE)] == [0, 1, 2]


@CLOCK_MODE
def test_clock_replay_delivers_at_the_clock_time_of_its_slice(archived, m):
    _start(archived)
    m.clock.advance(minutes=5)
    assert [d.time for d in m.deliveries(QUEUE)] == [START + timedelta(minutes=k) for k in (1, 2, 3)]


@CLOCK_MODE
def test_clock_replay_can_be_cancelled(archived, m):
    _start(archived)
    m.clock.advance(minutes=1, seconds=30)
    out = archived.cancel_replay(ReplayName="r")
    assert (out["ReplayArn"], out["State"]) == (f"arn:aws:events:us-east-1:{ACCOUNT}:replay/r", "CANCELLING")
    described = archived.describe_replay(ReplayName="r")
    assert described["State"] == "CANCELLING"
    assert "EventLastReplayedTime" not in described and "ReplayEndTime" not in described
    m.clock.advance(minutes=1)
    assert archived.describe_replay(ReplayName="r")["State"] == "CANCELLED"
    m.clock.advance(minutes=5)
    assert [d.json()["detail"]["n"] for d in m.deliveries(QUEUE)] == [0]


@pytest.mark.mock_events(replay_mode="clock", quotas={"active_replays": 1})
def test_cancelling_frees_a_replay_slot_once_cancelled(archived, m):
    _start(archived, name="a")
    archived.cancel_replay(ReplayName="a")
    m.clock.advance(minutes=1)
    _start(archived, name="b")
    assert archived.describe_replay(ReplayName="b")["State"] == "STARTING"


@CLOCK_MODE
def test_cancel_twice_is_refused(archived):
    _start(archived)
    archived.cancel_replay(ReplayName="r")
    with pytest.raises(ClientError) as excinfo:
        archived.cancel_replay(ReplayName="r")
    assert error_of(excinfo)[0] == "IllegalStatusException"


@CLOCK_MODE
def test_clock_replay_over_decades_costs_one_step_per_event(archived, m):
    end = START + timedelta(days=365 * 30)
    _start(archived, start=START, end=end)
    m.clock.advance(days=365 * 31)
    out = archived.describe_replay(ReplayName="r")
    assert out["State"] == "COMPLETED" and out["EventLastReplayedTime"] == end
    assert len(m.deliveries(QUEUE)) == 3


def test_mock_constructor_chooses_clock_mode():
    import boto3

    with mock_events(replay_mode="clock") as mock:
        client = boto3.client("events", region_name="us-east-1")
        client.create_archive(ArchiveName="all", EventSourceArn=DEFAULT_BUS)
        now = mock.clock.now()
        _start(client, start=now - timedelta(minutes=5), end=now)
        assert client.describe_replay(ReplayName="r")["State"] == "STARTING"


def test_unknown_replay_mode_is_refused():
    from mock_events import mock_events

    with pytest.raises(ValueError):
        mock_events(replay_mode="fast")
