"""Archives through boto3: fields, states, errors, the managed rule, capture and retention."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import pytest
from botocore.exceptions import ClientError

from conftest import error_of, load_corpus

UTC = timezone.utc
START = datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC)
DEFAULT_BUS = "arn:aws:events:us-east-1:123456789012:event-bus/default"
CUSTOM_BUS = "arn:aws:events:us-east-1:123456789012:event-bus/orders"
PATTERN = '{"source":["orders"]}'
ARCHIVE_OPS = ("CreateArchive", "DescribeArchive", "ListArchives", "UpdateArchive", "DeleteArchive")


def _entry(source: str = "orders", detail: str = '{"n":1}', **extra: object) -> dict:
    return {"Source": source, "DetailType": "OrderPlaced", "Detail": detail, **extra}


@pytest.fixture
def m(events_mock):  # noqa: ANN001, ANN201
    events_mock.clock.freeze()
    events_mock.clock.set(START)
    return events_mock


def _case(name_part: str) -> dict:
    (case,) = [c for c in load_corpus("api_errors.json") if name_part in c["name"]]
    return case


def _archive_cases() -> list[dict]:
    return [c for c in load_corpus("api_errors.json") if c["operation"] in ARCHIVE_OPS]


def test_conformance_covers_every_archive_case():
    names = {c["name"] for c in _archive_cases()}
    assert len(names) == 7  # each is exercised by one test_conformance_* test below


@pytest.mark.parametrize("bus", ["default", "custom"])
def test_conformance_create_duplicate(events, bus):
    case = _case(f"test_create_archive_error_duplicate[{bus}]")
    source = DEFAULT_BUS
    if bus == "custom":
        events.create_event_bus(Name="orders")
        source = CUSTOM_BUS
    request = dict(case["request"], ArchiveName="my-archive", EventSourceArn=source, EventPattern=PATTERN)
    events.create_archive(**request)
    with pytest.raises(ClientError) as excinfo:
        events.create_archive(**request)
    assert error_of(excinfo) == (case["error_code"], case["message"].replace("<archive-name>", "my-archive"))


def test_conformance_create_on_unknown_bus(events):
    case = _case("test_create_archive_error_unknown_event_bus")
    request = dict(case["request"], EventSourceArn="arn:aws:events:us-east-1:123456789012:event-bus/nope",
                   EventPattern=PATTERN)
    with pytest.raises(ClientError) as excinfo:
        events.create_archive(**request)
    assert error_of(excinfo) == (case["error_code"], case["message"].replace("<event-bus-name>", "nope"))
    assert events.list_archives()["Archives"] == []


def test_create_on_a_bus_of_another_account_is_unknown(events):
    with pytest.raises(ClientError) as excinfo:
        events.create_archive(ArchiveName="a", EventSourceArn="arn:aws:events:us-east-1:111111111111:event-bus/default")
    assert error_of(excinfo) == ("ResourceNotFoundException", "Event bus default does not exist.")


@pytest.mark.parametrize("operation", ["describe_archive", "delete_archive"])
def test_conformance_unknown_archive(events, operation):
    case = _case("test_describe_archive_error_unknown_archive" if operation == "describe_archive"
                 else "test_delete_archive_error_unknown_archive")
    with pytest.raises(ClientError) as excinfo:
        getattr(events, operation)(ArchiveName="ghost")
    assert error_of(excinfo) == (case["error_code"], case["message"].replace("<archive-name>", "ghost"))


def test_conformance_list_with_unknown_source_bus(events):
    case = _case("test_list_archive_error_unknown_source_arn")
    with pytest.raises(ClientError) as excinfo:
        events.list_archives(EventSourceArn="arn:aws:events:us-east-1:123456789012:event-bus/nope")
    assert error_of(excinfo) == (case["error_code"], case["message"].replace("<event-bus-name>", "nope"))


def test_conformance_update_with_nothing_to_change_is_checked_before_existence(events):
    case = _case("test_update_archive_error_unknown_archive")
    with pytest.raises(ClientError) as excinfo:
        events.update_archive(ArchiveName="ghost")
    assert error_of(excinfo) == (case["error_code"], case["message"])


def test_update_unknown_archive(events):
    with pytest.raises(ClientError) as excinfo:
        events.update_archive(ArchiveName="ghost", Description="d")
    assert error_of(excinfo) == ("ResourceNotFoundException", "Archive ghost does not exist.")


def test_create_response(events, m):
    out = events.create_archive(ArchiveName="a", EventSourceArn=DEFAULT_BUS)
    assert out["ArchiveArn"] == "arn:aws:events:us-east-1:123456789012:archive/a"
    assert out["State"] == "ENABLED"
    assert out["CreationTime"] == START


def test_describe_fields(events, m):
    events.create_archive(ArchiveName="a", EventSourceArn=DEFAULT_BUS, Description="all orders",
                          EventPattern=PATTERN, RetentionDays=7)
    out = events.describe_archive(ArchiveName="a")
    out.pop("ResponseMetadata")
    assert out == {
        "ArchiveArn": "arn:aws:events:us-east-1:123456789012:archive/a", "ArchiveName": "a",
        "EventSourceArn": DEFAULT_BUS, "Description": "all orders", "EventPattern": PATTERN,
        "State": "ENABLED", "RetentionDays": 7, "SizeBytes": 0, "EventCount": 0, "CreationTime": START,
    }


def test_retention_defaults_to_zero(events):
    events.create_archive(ArchiveName="a", EventSourceArn=DEFAULT_BUS)
    assert events.describe_archive(ArchiveName="a")["RetentionDays"] == 0


def test_list_items_have_no_arn_and_no_pattern(events, m):
    events.create_archive(ArchiveName="a", EventSourceArn=DEFAULT_BUS, EventPattern=PATTERN)
    assert events.list_archives()["Archives"] == [{
        "ArchiveName": "a", "EventSourceArn": DEFAULT_BUS, "State": "ENABLED", "RetentionDays": 0,
        "SizeBytes": 0, "EventCount": 0, "CreationTime": START,
    }]


def test_list_filters(events):
    events.create_event_bus(Name="orders")
    events.create_archive(ArchiveName="a1", EventSourceArn=DEFAULT_BUS)
    events.create_archive(ArchiveName="b1", EventSourceArn=CUSTOM_BUS)
    names = lambda **kw: [a["ArchiveName"] for a in events.list_archives(**kw)["Archives"]]  # noqa: E731
    assert names() == ["a1", "b1"]
    assert names(NamePrefix="b") == ["b1"]
    assert names(NamePrefix="zz") == []
    assert names(EventSourceArn=CUSTOM_BUS) == ["b1"]
    assert names(State="ENABLED") == ["a1", "b1"]
    assert names(State="DISABLED") == []


def test_list_refuses_two_filters(events):
    with pytest.raises(ClientError) as excinfo:
        events.list_archives(NamePrefix="a", State="ENABLED")
    assert error_of(excinfo) == (
        "ValidationException",
        "At most one filter is allowed for ListArchives. Use either : State, EventSourceArn, or NamePrefix.",
    )


def test_list_pages(events):
    for i in range(5):
        events.create_archive(ArchiveName=f"a{i}", EventSourceArn=DEFAULT_BUS)
    first = events.list_archives(Limit=3)
    second = events.list_archives(Limit=3, NextToken=first["NextToken"])
    assert [a["ArchiveName"] for a in first["Archives"] + second["Archives"]] == [f"a{i}" for i in range(5)]
    assert "NextToken" not in second


def test_invalid_pattern_is_refused_and_nothing_is_created(events):
    with pytest.raises(events.exceptions.InvalidEventPatternException):
        events.create_archive(ArchiveName="a", EventSourceArn=DEFAULT_BUS, EventPattern='{"source":"x"}')
    assert events.list_archives()["Archives"] == []
    assert events.list_rules()["Rules"] == []


def test_managed_rule_is_created_on_the_source_bus(events):
    events.create_event_bus(Name="orders")
    events.create_archive(ArchiveName="a", EventSourceArn=CUSTOM_BUS, EventPattern=PATTERN)
    rule = events.describe_rule(Name="Events-Archive-a", EventBusName="orders")
    assert rule["ManagedBy"] == "prod.vhs.events.aws.internal"
    assert rule["State"] == "ENABLED"
    assert json.loads(rule["EventPattern"]) == {"source": ["orders"], "replay-name": [{"exists": False}]}
    targets = events.list_targets_by_rule(Rule="Events-Archive-a", EventBusName="orders")["Targets"]
    (target,) = targets
    assert target["Id"] == "Events-Archive-a" and target["Arn"] == "arn:aws:events:us-east-1:::"
    transformer = target["InputTransformer"]
    assert transformer["InputPathsMap"] == {}
    archive_arn, archive_id = re.fullmatch(
        r'\{"archive-arn": "(arn:aws:events:us-east-1:123456789012:archive/a):([-0-9a-f]{36})", '
        r'"event": <aws.events.event.json>, "ingestion-time": <aws.events.event.ingestion-time>\}',
        transformer["InputTemplate"],
    ).groups()
    assert archive_arn == events.describe_archive(ArchiveName="a")["ArchiveArn"]


def test_managed_rule_without_archive_pattern_only_excludes_replays(events):
    events.create_archive(ArchiveName="a", EventSourceArn=DEFAULT_BUS)
    rule = events.describe_rule(Name="Events-Archive-a")
    assert json.loads(rule["EventPattern"]) == {"replay-name": [{"exists": False}]}


def test_managed_rule_refuses_changes(events):
    events.create_archive(ArchiveName="a", EventSourceArn=DEFAULT_BUS)
    with pytest.raises(ClientError) as excinfo:
        events.disable_rule(Name="Events-Archive-a")
    assert error_of(excinfo)[0] == "ManagedRuleException"
    with pytest.raises(ClientError) as excinfo:
        events.delete_rule(Name="Events-Archive-a")
    assert error_of(excinfo) == (
        "ManagedRuleException", "Events-Archive-a is a managed rule. Set 'force' parameter to true to override."
    )


def test_delete_removes_the_archive_and_its_rule(events):
    events.create_archive(ArchiveName="a", EventSourceArn=DEFAULT_BUS)
    events.delete_archive(ArchiveName="a")
    assert events.list_archives()["Archives"] == []
    assert events.list_rules()["Rules"] == []


def test_events_are_archived_at_once(events, m):
    events.create_archive(ArchiveName="a", EventSourceArn=DEFAULT_BUS)
    events.put_events(Entries=[_entry() for _ in range(10)])
    out = events.describe_archive(ArchiveName="a")
    assert out["EventCount"] == 10
    assert out["SizeBytes"] == sum(
        len(json.dumps(e, separators=(",", ":")).encode()) for e in m.events()
    )


def test_size_counts_utf8_bytes(events, m):
    events.create_archive(ArchiveName="a", EventSourceArn=DEFAULT_BUS)
    events.put_events(Entries=[_entry(detail='{"name":"é"}')])
    events.put_events(Entries=[_entry(detail='{"name":"e"}')])
    archives = events.list_archives()["Archives"]
    sizes = archives[0]["SizeBytes"]
    (first, second) = m.events()
    assert sizes == len(json.dumps(first, separators=(",", ":"), ensure_ascii=False).encode()) + len(
        json.dumps(second, separators=(",", ":")).encode())


def test_only_matching_events_are_archived(events):
    events.create_archive(ArchiveName="a", EventSourceArn=DEFAULT_BUS, EventPattern=PATTERN)
    events.put_events(Entries=[_entry("orders"), _entry("billing"), _entry("orders")])
    assert events.describe_archive(ArchiveName="a")["EventCount"] == 2


def test_events_of_other_buses_are_not_archived(events):
    events.create_event_bus(Name="orders")
    events.create_archive(ArchiveName="a", EventSourceArn=CUSTOM_BUS)
    events.put_events(Entries=[_entry(), _entry(EventBusName="orders")])
    assert events.describe_archive(ArchiveName="a")["EventCount"] == 1


def test_events_forwarded_from_another_bus_are_archived(events):
    events.create_event_bus(Name="orders")
    events.create_archive(ArchiveName="a", EventSourceArn=CUSTOM_BUS)
    events.put_rule(Name="fwd", EventPattern=PATTERN)
    events.put_targets(Rule="fwd", Targets=[{"Id": "bus", "Arn": CUSTOM_BUS}])
    events.put_events(Entries=[_entry()])
    assert events.describe_archive(ArchiveName="a")["EventCount"] == 1


def test_two_archives_on_one_bus_each_store(events):
    events.create_archive(ArchiveName="all", EventSourceArn=DEFAULT_BUS)
    events.create_archive(ArchiveName="orders", EventSourceArn=DEFAULT_BUS, EventPattern=PATTERN)
    events.put_events(Entries=[_entry("orders"), _entry("billing")])
    counts = {a["ArchiveName"]: a["EventCount"] for a in events.list_archives()["Archives"]}
    assert counts == {"all": 2, "orders": 1}


def test_archiving_is_not_a_delivery(events, m):
    events.create_archive(ArchiveName="a", EventSourceArn=DEFAULT_BUS)
    events.put_events(Entries=[_entry()])
    assert m.deliveries() == [] and m.failures() == []


def test_deleted_archive_stops_storing(events):
    events.create_archive(ArchiveName="a", EventSourceArn=DEFAULT_BUS)
    events.delete_archive(ArchiveName="a")
    events.create_archive(ArchiveName="b", EventSourceArn=DEFAULT_BUS)
    events.put_events(Entries=[_entry()])
    assert events.describe_archive(ArchiveName="b")["EventCount"] == 1


def test_update_changes_fields_and_the_managed_rule(events, m):
    events.create_archive(ArchiveName="a", EventSourceArn=DEFAULT_BUS, EventPattern=PATTERN)
    out = events.update_archive(ArchiveName="a", EventPattern='{"source":["billing"]}', Description="d",
                                RetentionDays=3)
    assert (out["ArchiveArn"], out["State"], out["CreationTime"]) == (
        "arn:aws:events:us-east-1:123456789012:archive/a", "ENABLED", START)
    described = events.describe_archive(ArchiveName="a")
    assert (described["EventPattern"], described["Description"], described["RetentionDays"]) == (
        '{"source":["billing"]}', "d", 3)
    rule = events.describe_rule(Name="Events-Archive-a")
    assert json.loads(rule["EventPattern"]) == {"source": ["billing"], "replay-name": [{"exists": False}]}
    events.put_events(Entries=[_entry("orders"), _entry("billing")])
    assert events.describe_archive(ArchiveName="a")["EventCount"] == 1


def test_update_refuses_an_invalid_pattern_and_changes_nothing(events):
    events.create_archive(ArchiveName="a", EventSourceArn=DEFAULT_BUS, EventPattern=PATTERN)
    with pytest.raises(events.exceptions.InvalidEventPatternException):
        events.update_archive(ArchiveName="a", EventPattern="{", Description="new")
    described = events.describe_archive(ArchiveName="a")
    assert described["EventPattern"] == PATTERN and "Description" not in described


def test_retention_drops_events_as_the_clock_passes(events, m):
    events.create_archive(ArchiveName="a", EventSourceArn=DEFAULT_BUS, RetentionDays=1)
    events.put_events(Entries=[_entry()])
    m.clock.advance(hours=12)
    events.put_events(Entries=[_entry(), _entry()])
    m.clock.advance(hours=11, minutes=59)
    assert events.describe_archive(ArchiveName="a")["EventCount"] == 3
    m.clock.advance(minutes=1)
    assert events.describe_archive(ArchiveName="a")["EventCount"] == 2
    m.clock.advance(hours=12)
    described = events.describe_archive(ArchiveName="a")
    assert (described["EventCount"], described["SizeBytes"]) == (0, 0)


def test_zero_retention_keeps_events_forever(events, m):
    events.create_archive(ArchiveName="a", EventSourceArn=DEFAULT_BUS)
    events.put_events(Entries=[_entry()])
    m.clock.advance(days=3650)
    assert events.describe_archive(ArchiveName="a")["EventCount"] == 1


def test_shortening_retention_drops_old_events_at_once(events, m):
    events.create_archive(ArchiveName="a", EventSourceArn=DEFAULT_BUS)
    events.put_events(Entries=[_entry()])
    m.clock.advance(days=5)
    events.put_events(Entries=[_entry()])
    events.update_archive(ArchiveName="a", RetentionDays=2)
    assert events.describe_archive(ArchiveName="a")["EventCount"] == 1
    m.clock.advance(days=2)
    assert events.describe_archive(ArchiveName="a")["EventCount"] == 0


def test_clearing_retention_keeps_events(events, m):
    events.create_archive(ArchiveName="a", EventSourceArn=DEFAULT_BUS, RetentionDays=1)
    events.put_events(Entries=[_entry()])
    events.update_archive(ArchiveName="a", RetentionDays=0)
    m.clock.advance(days=30)
    assert events.describe_archive(ArchiveName="a")["EventCount"] == 1


def test_archive_is_in_the_snapshot(events, m):
    events.create_archive(ArchiveName="a", EventSourceArn=DEFAULT_BUS)
    events.put_events(Entries=[_entry()])
    snap = m.snapshot()["archives"]["a"]
    assert snap["event_count"] == 1 and snap["events"][0]["source"] == "orders"


def test_archives_are_per_region(events):
    import boto3

    events.create_archive(ArchiveName="a", EventSourceArn=DEFAULT_BUS)
    other = boto3.client("events", region_name="eu-west-1")
    assert other.list_archives()["Archives"] == []
