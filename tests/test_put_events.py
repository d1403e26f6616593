"""PutEvents: what AWS accepts, refuses and answers."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from botocore.exceptions import ClientError

from conftest import error_of

QUEUE = "arn:aws:sqs:us-east-1:123456789012:q"


def entry(**overrides):
    return {"Source": "orders", "DetailType": "Order Placed", "Detail": '{"id": 1}', **overrides}


@pytest.fixture
def rule(events):
    events.put_rule(Name="all-orders", EventPattern='{"source":["orders"]}')
    events.put_targets(Rule="all-orders", Targets=[{"Id": "q", "Arn": QUEUE}])


def test_each_entry_gets_an_event_id_in_request_order(events):
    out = events.put_events(Entries=[entry(), entry(Source=""), entry()])
    assert out["FailedEntryCount"] == 1
    assert "EventId" in out["Entries"][0] and "EventId" in out["Entries"][2]
    assert out["Entries"][1] == {
        "ErrorCode": "InvalidArgument",
        "ErrorMessage": "Parameter Source is not valid. Reason: Source is a required argument.",
    }


@pytest.mark.parametrize(("change", "code", "message"), [
    ({"Source": None}, "InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument."),
    ({"DetailType": ""}, "InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument."),
    ({"Detail": None}, "InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument."),
    ({"Detail": "NotJSON"}, "MalformedDetail", "Detail is malformed."),
    ({"Detail": "[]"}, "MalformedDetail", "Detail is malformed."),
    ({"Detail": "{{}"}, "MalformedDetail", "Detail is malformed."),
    ({"Detail": '"NotJSON"'}, "MalformedDetail", "Detail is malformed."),
])
def test_per_entry_failures(events, change, code, message):
    e = {k: v for k, v in {**entry(), **change}.items() if v is not None}
    out = events.put_events(Entries=[e])
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert out == {**out, "FailedEntryCount": 1, "Entries": [{"ErrorCode": code, "ErrorMessage": message}]}


def test_too_large_request_fails_whole(events):
    big = json.dumps({"payload": ["p" * (256 * 1024 - 17)]})
    with pytest.raises(ClientError) as excinfo:
        events.put_events(Entries=[entry(Detail=big)])
    assert error_of(excinfo) == ("ValidationException", "Total size of the entries in the request is over the limit.")


def test_size_counts_entries_together(events):
    detail = json.dumps({"p": "x" * (30 * 1024)})
    with pytest.raises(ClientError):
        events.put_events(Entries=[entry(Detail=detail)] * 9)
    assert events.put_events(Entries=[entry(Detail=detail)] * 8)["FailedEntryCount"] == 0


LIMIT = 256 * 1024


def _detail_of_size(size: int, letter: str) -> str:
    """A Detail of exactly ``size`` UTF-8 bytes, its text made of ``letter``."""
    frame = len('{"p":""}')
    width = len(letter.encode("utf-8"))
    assert (size - frame) % width == 0
    return json.dumps({"p": letter * ((size - frame) // width)}, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize("letter", ["x", "é", "€", "😀"], ids=["ascii", "2-byte", "3-byte", "4-byte"])
def test_size_is_the_utf8_bytes_of_source_detail_type_detail_and_resources_and_14_for_a_time(events, letter):
    resources = ["arn:aws:s3:::b", "ключ"]  # 14 and 8 UTF-8 bytes
    room = LIMIT - (len("orders") + len("Order Placed") + 14 + 14 + 8)
    width = len(letter.encode("utf-8"))
    size = 8 + (room - 8) // width * width  # the largest Detail of whole letters that fits
    fits = entry(Time=datetime(2024, 1, 1, tzinfo=timezone.utc), Resources=resources, Detail=_detail_of_size(size, letter))
    assert events.put_events(Entries=[fits])["FailedEntryCount"] == 0
    too_big = {**fits, "Detail": _detail_of_size(size + width, letter)}
    with pytest.raises(ClientError) as excinfo:
        events.put_events(Entries=[too_big])
    assert error_of(excinfo) == ("ValidationException", "Total size of the entries in the request is over the limit.")


def test_nonexistent_bus_is_accepted_and_the_event_dropped(events, events_mock):
    out = events.put_events(Entries=[entry(EventBusName="no-such-bus")])
    assert out["FailedEntryCount"] == 0 and "EventId" in out["Entries"][0]
    assert events_mock.events() == []


def test_delivered_envelope_has_aws_key_order_and_the_returned_id(events, events_mock, rule):
    out = events.put_events(Entries=[entry(Time=datetime(2022, 1, 1, tzinfo=timezone.utc), Resources=["arn:x"])])
    body = events_mock.deliveries(QUEUE)[0].payload
    event = json.loads(body)
    assert list(event) == ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"]
    assert event["id"] == out["Entries"][0]["EventId"]
    assert event["time"] == "2022-01-01T00:00:00Z"
    assert event["resources"] == ["arn:x"] and event["detail"] == {"id": 1}
    assert event["account"] == "123456789012" and event["region"] == "us-east-1" and event["version"] == "0"
    assert body.startswith('{"version":"0","id":')  # compact, as SNS and SQS receive it


def test_time_defaults_to_the_call_time(events, events_mock, rule):
    events_mock.clock.set(datetime(2030, 5, 6, 7, 8, 9, 500000, tzinfo=timezone.utc))
    events_mock.clock.freeze()
    events.put_events(Entries=[entry()])
    assert events_mock.deliveries()[0].json()["time"] == "2030-05-06T07:08:09Z"


def test_event_bus_name_may_be_an_arn(events, events_mock):
    arn = events.create_event_bus(Name="orders")["EventBusArn"]
    events.put_events(Entries=[entry(EventBusName=arn)])
    assert len(events_mock.events("orders")) == 1 and len(events_mock.events(arn)) == 1


def test_events_are_recorded_on_their_bus_whether_or_not_a_rule_matched(events, events_mock):
    events.create_event_bus(Name="orders")
    events.put_events(Entries=[entry(), entry(EventBusName="orders")])
    assert len(events_mock.events()) == 2
    assert len(events_mock.events("default")) == 1
    assert events_mock.deliveries() == []


def test_detail_nested_up_to_aws_limit_is_accepted(events, events_mock, rule):
    deep = '{"a":' * 999 + "1" + "}" * 999
    out = events.put_events(Entries=[entry(Detail=deep)])
    assert out["FailedEntryCount"] == 0
    assert len(events_mock.deliveries()) == 1


def test_detail_nested_past_aws_limit_is_malformed(events):
    deep = '{"a":' * 1001 + "1" + "}" * 1001
    out = events.put_events(Entries=[entry(Detail=deep)])
    assert out["Entries"][0]["ErrorCode"] == "MalformedDetail"


def test_trace_header_is_kept_with_the_delivery(events, events_mock, rule):
    events.put_events(Entries=[entry(TraceHeader="Root=1-abc")])
    assert events_mock.deliveries()[0].trace_header == "Root=1-abc"


def test_unicode_is_delivered_as_written(events, events_mock, rule):
    events.put_events(Entries=[entry(Detail='{"name": "Zoë 🎉"}')])
    assert "Zoë 🎉" in events_mock.deliveries()[0].payload


@pytest.mark.parametrize("source", ["aws.guardduty", "aws.events", "aws.partner/acme.com/1/orders", "aws."])
def test_sources_reserved_for_aws_fail_that_entry_alone(events, events_mock, rule, source):
    out = events.put_events(Entries=[entry(), entry(Source=source), entry()])
    assert out["FailedEntryCount"] == 1
    assert out["Entries"][1] == {
        "ErrorCode": "NotAuthorizedForSourceException",
        "ErrorMessage": "Not authorized for the source.",
    }
    assert [d.event["id"] for d in events_mock.deliveries(QUEUE)] == [
        out["Entries"][0]["EventId"], out["Entries"][2]["EventId"]
    ]
    assert [e["source"] for e in events_mock.events()] == ["orders", "orders"]


@pytest.mark.parametrize("source", ["aws", "AWS.guardduty", "awsome.shop", "my.aws.source"])
def test_only_the_aws_dot_prefix_is_reserved(events, source):
    out = events.put_events(Entries=[entry(Source=source)])
    assert out["FailedEntryCount"] == 0
