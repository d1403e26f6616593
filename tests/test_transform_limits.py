"""A transformed input is never larger than a target takes, and never takes long to find out.

An InputPath or InputPathsMap path such as ``$..a..a`` is a few characters, yet over a Detail
nested 1,000 levels (PutEvents accepts that) it finds about 500,000 values, about 1 GB of JSON.
What AWS does with a transformed input over 256 KB (the mock's PutEvents limit; what SQS, SNS and
Lambda's asynchronous invocations took until 2026) is not recorded: the mock delivers nothing,
and the delivery fails for good at its first attempt, as for a target that refuses the call:
dead-lettered if the target has a dead-letter queue, else dropped, with the reason in
``m.failures()``. The walk of the paths and
the writing of the text stop as soon as either limit is passed.
"""

from __future__ import annotations

import json

import pytest

QUEUE = "arn:aws:sqs:us-east-1:123456789012:q"
OTHER = "arn:aws:sqs:us-east-1:123456789012:other"
DLQ = "arn:aws:sqs:us-east-1:123456789012:dlq"
TOO_LARGE = "The transformed input is larger than 262144 bytes, the most a target accepts."
TOO_LONG = "The JSON paths of the transformed input take more than 524288 steps through the event."


def nested(levels: int) -> str:
    """A Detail object nested ``levels`` deep: {"a":{"a":...{"leaf":1}...}}."""
    return '{"a":' * (levels - 1) + '{"leaf":1}' + "}" * (levels - 1)


def put(events, detail: str) -> None:
    out = events.put_events(Entries=[{"Source": "s", "DetailType": "t", "Detail": detail}])
    assert out["FailedEntryCount"] == 0  # delivery never changes PutEvents' answer


@pytest.fixture
def rule(events):
    events.put_rule(Name="r", EventPattern='{"source":["s"]}')
    return "r"


def test_an_input_path_finding_half_a_million_values_delivers_nothing_and_is_dropped(events, events_mock, rule):
    events.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": QUEUE, "InputPath": "$..a..a"}])

    put(events, nested(1000))

    assert events_mock.deliveries() == []
    (failure,) = events_mock.failures()
    assert (failure.target_arn, failure.target_id, failure.outcome, failure.attempt) == (QUEUE, "q", "dropped", 1)
    assert failure.error == TOO_LONG
    assert failure.event["detail"]["a"]["a"]["a"] is not None


def test_an_input_path_over_256_kb_goes_to_the_dead_letter_queue_without_retries(events, events_mock, rule):
    events.put_targets(Rule=rule, Targets=[{
        "Id": "q", "Arn": QUEUE, "InputPath": "$.detail..*",
        "RetryPolicy": {"MaximumRetryAttempts": 5}, "DeadLetterConfig": {"Arn": DLQ},
    }])
    # 1,000 keys, each holding an object 4 deep (150 KB): `..*` writes each string once per level above it.
    put(events, json.dumps({f"k{i}": {"a": {"b": {"c": ["x" * 20] * 5}}} for i in range(1000)}))

    assert events_mock.deliveries(QUEUE) == []
    assert [(f.outcome, f.attempt, f.error) for f in events_mock.failures()] == [("dead-lettered", 1, TOO_LARGE)]
    (letter,) = events_mock.deliveries(DLQ)
    assert letter.error == TOO_LARGE and json.loads(letter.payload)["detail"]["k0"]["a"]["b"]["c"][0] == "x" * 20


def test_an_input_transformer_with_such_a_path_delivers_nothing(events, events_mock, rule):
    events.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": QUEUE, "InputTransformer": {
        "InputPathsMap": {"all": "$..a..a", "rule": "$.source"}, "InputTemplate": '{"all": <all>, "rule": <rule>}',
    }}])

    put(events, nested(1000))

    assert events_mock.deliveries() == []
    assert [(f.outcome, f.error) for f in events_mock.failures()] == [("dropped", TOO_LONG)]


def test_a_template_repeating_a_placeholder_past_256_kb_delivers_nothing(events, events_mock, rule):
    # Each <d> is the 30 KB detail (a definite path); 100 of them would be 3 MB.
    template = "[" + ",".join(["<d>"] * 100) + "]"
    events.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": QUEUE, "InputTransformer": {
        "InputPathsMap": {"d": "$.detail"}, "InputTemplate": template,
    }}])

    put(events, json.dumps({"text": "y" * 30_000}))

    assert events_mock.deliveries() == []
    assert [(f.outcome, f.error) for f in events_mock.failures()] == [("dropped", TOO_LARGE)]


def test_a_string_template_of_a_deep_scan_past_256_kb_delivers_nothing(events, events_mock, rule):
    events.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": QUEUE, "InputTransformer": {
        "InputPathsMap": {"all": "$.detail..*"}, "InputTemplate": '"everything: <all>"',
    }}])

    put(events, nested(1000))

    assert events_mock.deliveries() == []
    assert [f.error for f in events_mock.failures()] == [TOO_LARGE]


def test_the_limit_counts_utf8_bytes_not_characters(events, events_mock, rule):
    # 70,000 two-byte characters, twice: 140,000 characters but 280,000 bytes.
    events.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": QUEUE, "InputTransformer": {
        "InputPathsMap": {"s": "$.detail.s"}, "InputTemplate": '{"one": <s>, "two": <s>}',
    }}])

    put(events, json.dumps({"s": "é" * 70_000}, ensure_ascii=False))

    assert events_mock.deliveries() == []
    assert [f.error for f in events_mock.failures()] == [TOO_LARGE]


def test_each_target_with_such_a_path_fails_alone_and_the_others_are_delivered(events, events_mock, rule):
    events.put_targets(Rule=rule, Targets=[
        {"Id": "deep", "Arn": QUEUE, "InputPath": "$..a..a"},
        {"Id": "star", "Arn": QUEUE, "InputPath": "$..*"},
        {"Id": "fine", "Arn": OTHER, "InputPath": "$.detail.a.a.a"},
    ])

    put(events, nested(1000))

    assert [f.target_id for f in events_mock.failures()] == ["deep", "star"]
    (delivery,) = events_mock.deliveries()
    assert delivery.target_arn == OTHER and delivery.payload == nested(997)


def test_a_large_transformed_input_within_256_kb_is_delivered_exactly(events, events_mock, rule):
    detail = {"items": [{"id": i, "name": "n" * 40} for i in range(3000)], "note": "z" * 20_000}
    events.put_targets(Rule=rule, Targets=[
        {"Id": "path", "Arn": QUEUE, "InputPath": "$.detail"},
        {"Id": "ids", "Arn": QUEUE, "InputTransformer": {
            "InputPathsMap": {"ids": "$.detail.items[*].id", "names": "$.detail..name", "note": "$.detail.note"},
            "InputTemplate": '{"ids": <ids>, "names": <names>, "note": "<note>"}',
        }},
    ])

    put(events, json.dumps(detail))

    assert events_mock.failures() == []
    whole, picked = events_mock.deliveries(QUEUE)
    assert len(whole.payload) > 200_000 and whole.json() == detail
    assert picked.json() == {"ids": list(range(3000)), "names": ["n" * 40] * 3000, "note": "z" * 20_000}


def test_explain_says_why_such_a_target_would_receive_nothing(events, events_mock, rule):
    events.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": QUEUE, "InputPath": "$..a..a"}])

    (preview,) = events_mock.explain({"Source": "s", "DetailType": "t", "Detail": nested(1000)}).rule(rule).targets

    assert preview.payload is None and preview.dropped == TOO_LONG


def three_values(character: str, size: int) -> str:
    """A Detail whose ``$.detail.(s|s|t)`` is ``["S","S","T"]`` of exactly ``size`` UTF-8 bytes."""
    s = character * (120_000 // len(character.encode()))
    t = "x" * (size - len('["","",""]') - 2 * len(s.encode()))
    return json.dumps({"s": s, "t": t}, ensure_ascii=False)


@pytest.mark.parametrize("character", ["y", "é", "€", "😀"])
@pytest.mark.filterwarnings("ignore:The `[|&]` .* operator is deprecated:DeprecationWarning")  # jsonpath-ng 1.16
def test_an_input_path_list_of_exactly_256_kb_is_delivered_and_one_byte_more_is_not(events, events_mock, rule, character):
    events.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": QUEUE, "InputPath": "$.detail.(s|s|t)"}])

    put(events, three_values(character, 262_144))
    put(events, three_values(character, 262_145))

    (delivery,) = events_mock.deliveries()
    assert len(delivery.payload.encode()) == 262_144
    assert [f.error for f in events_mock.failures()] == [TOO_LARGE]
