"""User JSON is read strictly, and an event nested as deep as PutEvents allows travels everywhere.

PutEvents parses Detail as strict JSON (``NaN``, ``Infinity`` and numbers past a double are no
JSON; integers are Java longs, per the PutEvents API reference) and answers ``MalformedDetail``
otherwise; an escaped lone surrogate (``"\\ud800"``) is no Unicode text and is refused the same
way, before anything is logged or archived. Events nested up to 1,000 levels are accepted and
reach archives, replays, transforms, deliveries and snapshots; one level more is refused where
the event enters.
"""

from __future__ import annotations

import sys
import threading
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import error_of

QUEUE = "arn:aws:sqs:us-east-1:123456789012:q"
MALFORMED = {"ErrorCode": "MalformedDetail", "ErrorMessage": "Detail is malformed."}


def nested(levels: int) -> str:
    """A Detail object nested ``levels`` deep (the Detail object itself is level 1)."""
    return '{"a":' * (levels - 1) + '{"leaf":1}' + "}" * (levels - 1)


def put(events, detail: str, **extra):
    return events.put_events(Entries=[{"Source": "s", "DetailType": "t", "Detail": detail, **extra}])


@pytest.fixture
def archived_bus(events):
    arn = events.describe_event_bus()["Arn"]
    events.create_archive(ArchiveName="all", EventSourceArn=arn)
    events.put_rule(Name="everything", EventPattern='{"source":["s"]}')
    events.put_targets(Rule="everything", Targets=[{"Id": "q", "Arn": QUEUE}])
    return arn


@pytest.mark.parametrize("detail", [
    '{"a": NaN}', '{"a": Infinity}', '{"a": -Infinity}', '{"a": [1, NaN]}', '{"a": 1e999}',
    '{"a": -1e400}', '{"a": 9223372036854775808}', '{"a": -9223372036854775809}',
    '{"a": "\\ud800"}', '{"a": "x\\udfffy"}', '{"\\udbff": 1}', '{"a": "\\ud83d"}',
])
def test_a_detail_that_is_not_strict_json_is_malformed_and_goes_nowhere(events, events_mock, archived_bus, detail):
    out = put(events, detail)
    assert out["Entries"] == [MALFORMED]
    assert events_mock.events() == []
    assert events_mock.deliveries() == []
    assert events.describe_archive(ArchiveName="all")["EventCount"] == 0


def test_integers_at_the_ends_of_the_java_long_range_are_delivered_exactly(events, events_mock, archived_bus):
    out = put(events, '{"low": -9223372036854775808, "high": 9223372036854775807, "pair": "\\ud83d\\ude00"}')
    assert out["FailedEntryCount"] == 0
    (delivery,) = events_mock.deliveries(QUEUE)
    assert delivery.json()["detail"] == {"low": -(2**63), "high": 2**63 - 1, "pair": "😀"}


def test_a_detail_nested_1000_levels_travels_through_archive_replay_transform_and_snapshot(
    events, events_mock, archived_bus
):
    events.put_targets(Rule="everything", Targets=[
        {"Id": "path", "Arn": QUEUE + "-path", "InputPath": "$.detail.a"},
        {"Id": "template", "Arn": QUEUE + "-template", "InputTransformer": {
            "InputPathsMap": {"d": "$.detail"}, "InputTemplate": '{"wrapped": <d>}'}},
        {"Id": "text", "Arn": QUEUE + "-text", "InputTransformer": {
            "InputPathsMap": {"d": "$.detail"}, "InputTemplate": "detail <d>"}},
    ])
    detail = nested(1000)
    start = datetime.now(timezone.utc) - timedelta(minutes=1)
    assert put(events, detail)["FailedEntryCount"] == 0
    assert events.describe_archive(ArchiveName="all")["EventCount"] == 1
    whole = events_mock.deliveries(QUEUE)[0]
    assert whole.payload.endswith(detail + "}")
    assert events_mock.deliveries(QUEUE + "-path")[0].payload == nested(999)
    assert events_mock.deliveries(QUEUE + "-template")[0].payload.startswith('{"wrapped":{"a":{"a":')
    assert events_mock.deliveries(QUEUE + "-text")[0].payload.startswith("detail {a:{a:")
    assert whole.json()["detail"]["a"]["a"]["a"]

    replay = events.start_replay(
        ReplayName="deep", EventSourceArn=events.describe_archive(ArchiveName="all")["ArchiveArn"],
        EventStartTime=start, EventEndTime=datetime.now(timezone.utc) + timedelta(minutes=1),
        Destination={"Arn": archived_bus},
    )
    assert replay["State"] == "STARTING"
    assert events.describe_replay(ReplayName="deep")["State"] == "COMPLETED"
    replayed = events_mock.deliveries(QUEUE)[-1]
    assert replayed.event["replay-name"] == "deep"
    assert replayed.payload.endswith(detail + "}")
    (archive,) = events_mock.snapshot()["archives"].values()
    assert len(archive["events"]) == 1


def test_a_detail_nested_1001_levels_is_malformed(events, events_mock, archived_bus):
    assert put(events, nested(1001))["Entries"] == [MALFORMED]
    assert put(events, '{"a":' + "[" * 1000 + "]" * 1000 + "}")["Entries"] == [MALFORMED]
    assert events_mock.events() == []


def test_test_event_pattern_holds_the_same_nesting_limit(events):
    def event(detail: str) -> str:
        return (
            '{"id":"1","account":"123456789012","source":"s","time":"2024-01-01T00:00:00Z",'
            f'"region":"us-east-1","detail-type":"t","resources":[],"detail":{detail}}}'
        )

    pattern = '{"source":["s"]}'
    # the Detail PutEvents accepts deepest, one level down in its event
    assert events.test_event_pattern(EventPattern=pattern, Event=event(nested(1000)))["Result"] is True
    for bad in (nested(1001), '{"a": NaN}', '{"a": "\\ud800"}', '{"a": 1e999}'):
        with pytest.raises(events.exceptions.ClientError) as excinfo:
            events.test_event_pattern(EventPattern=pattern, Event=event(bad))
        assert error_of(excinfo) == ("ValidationException", "Parameter Event is not valid.")


def test_putting_deep_events_never_changes_the_recursion_limit(events, archived_bus):
    limit = sys.getrecursionlimit()
    seen: list[int] = []

    def watch() -> None:
        for _ in range(200):
            seen.append(sys.getrecursionlimit())

    watcher = threading.Thread(target=watch)
    watcher.start()
    for _ in range(3):
        put(events, nested(1000))
    watcher.join()
    assert set(seen) == {limit} and sys.getrecursionlimit() == limit


@pytest.mark.parametrize("text", ['{"a": NaN}', '{"a": Infinity}', '{"a": "\\ud800"}', '{"a": 1e999}'])
def test_a_target_input_that_is_not_strict_json_is_refused(events, text):
    events.put_rule(Name="r", EventPattern='{"source":["s"]}')
    with pytest.raises(events.exceptions.ClientError) as excinfo:
        events.put_targets(Rule="r", Targets=[{"Id": "q", "Arn": QUEUE, "Input": text}])
    assert error_of(excinfo) == ("ValidationException", "Input for target q is not a valid JSON text.")
    assert events.list_targets_by_rule(Rule="r")["Targets"] == []


def test_a_template_that_renders_non_json_numbers_delivers_nothing(events, events_mock):
    events.put_rule(Name="r", EventPattern='{"source":["s"]}')
    events.put_targets(Rule="r", Targets=[{"Id": "q", "Arn": QUEUE, "InputTransformer": {
        "InputPathsMap": {"n": "$.detail.n"}, "InputTemplate": '{"n": <n>, "bad": NaN}'}}])
    put(events, '{"n": 1}')
    assert events_mock.deliveries(QUEUE) == []
    assert events_mock.failures(QUEUE)[0].outcome == "dropped"


@pytest.mark.parametrize("policy", [
    '{"Version":"2012-10-17","Statement":[{"Sid":"s","Effect":"Allow","Principal":"*","Action":"events:PutEvents","Resource":"*","Condition":{"NumericLessThan":{"x":NaN}}}]}',
    '{"Version":"2012-10-17","Statement":[{"Sid":"\\ud800","Effect":"Allow","Principal":"*","Action":"events:PutEvents","Resource":"*"}]}',
])
def test_a_bus_policy_that_is_not_strict_json_is_refused(events, policy):
    with pytest.raises(events.exceptions.ClientError) as excinfo:
        events.put_permission(Policy=policy)
    assert error_of(excinfo)[0] == "ValidationException"
    assert "Policy" not in events.describe_event_bus()


@pytest.mark.parametrize("body", [b'{"Entries":[{"Time":NaN}]}', b'{"Limit":Infinity}', b'{"Limit":1e999}'])
def test_a_request_body_that_is_not_strict_json_is_a_serialization_error(body):
    # botocore never writes these, but a client of its own making may.
    from mock_events import interceptor
    from mock_events.errors import ServiceError

    with pytest.raises(ServiceError) as excinfo:
        interceptor._request_body(body)
    assert excinfo.value.code == "SerializationException"


@pytest.mark.parametrize("text", [
    '{"a": 1}', ' {"a": 1}', '{"a": 1} ', '\n[1, 2]\t', '"s"', "12", "1.5", "", " ", "{} x", "[1] [2]",
    '{"a": 1,}', '{"a": tru}', "[1, 2", '{"a": "\\x"}', "nul", "true false",
])
def test_strict_json_reads_a_text_as_the_json_module_does_apart_from_what_it_refuses(text):
    import json

    from mock_events import jsontext

    try:
        expected: object = json.loads(text)
    except ValueError as error:
        expected = jsontext.JSONTextError(str(error))
    try:
        got: object = jsontext.loads(text)
    except jsontext.JSONTextError as error:
        got = error
    if isinstance(expected, Exception):
        assert isinstance(got, jsontext.JSONTextError) and str(got) == str(expected)
    else:
        assert got == expected and type(got) is type(expected)


def test_an_input_path_whose_matches_nest_one_another_is_delivered_whole_within_256_kb(events, events_mock):
    # "$..a" over a Detail 250 deep matches 249 objects, each inside the one before: 190 KB of JSON.
    # (1,000 deep, they would be 3 MB: tests/test_transform_limits.py.)
    events.put_rule(Name="deep", EventPattern='{"source":["s"]}')
    events.put_targets(Rule="deep", Targets=[{"Id": "q", "Arn": QUEUE, "InputPath": "$.detail..a"}])

    assert put(events, nested(250))["FailedEntryCount"] == 0

    (delivery,) = events_mock.deliveries(QUEUE)
    matches = delivery.json()
    assert len(matches) == 249
    assert matches[-1] == {"leaf": 1} and matches[-2] == {"a": {"leaf": 1}}
    assert delivery.payload == "[" + ",".join(nested(k)[5:-1] for k in range(250, 1, -1)) + "]"
    assert events_mock.failures() == []


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=3),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner, max_size=3),
                    max_leaves=12))
def test_a_value_holding_one_container_in_several_places_is_written_as_json_writes_it(value):
    import json

    from mock_events import jsontext

    shared = [value, {"again": value, "and": [value]}, value]
    assert jsontext._encode_iteratively(shared, jsontext.dumps, jsontext.dumps) == json.dumps(
        shared, separators=(",", ":"), ensure_ascii=False)
