"""Every recorded pattern case, through the public API: TestEventPattern, and PutRule + PutEvents."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from conftest import load_corpus

PATTERN_CASES = load_corpus("event_patterns.json")
RULE_CASES = load_corpus("rule_matching.json")
QUEUE = "arn:aws:sqs:us-east-1:123456789012:matched"


@pytest.mark.parametrize("case", PATTERN_CASES, ids=[c["name"] for c in PATTERN_CASES])
def test_event_pattern_case(events, case):
    expected = case["expected"]
    if "result" in expected:
        out = events.test_event_pattern(EventPattern=case["pattern"], Event=case["event"])
        assert out["Result"] is expected["result"]
        return
    with pytest.raises(ClientError) as excinfo:
        events.test_event_pattern(EventPattern=case["pattern"], Event=case["event"])
    error = excinfo.value.response["Error"]
    assert error["Code"] == expected["error"]["code"]
    assert error["Message"].split("\n", 1)[0] == expected["error"]["message_first_line"]
    assert error["Message"] == expected["error"]["message"]


@pytest.mark.parametrize("case", RULE_CASES, ids=[c["name"] for c in RULE_CASES])
def test_rule_matching_case(events, events_mock, case):
    events.put_rule(Name="rule", EventPattern=case["rule_event_pattern"])
    events.put_targets(Rule="rule", Targets=[{"Id": "queue", "Arn": QUEUE}])
    out = events.put_events(Entries=[case["put_events_entry"]])
    assert out["FailedEntryCount"] == 0
    delivered = events_mock.deliveries(QUEUE)
    assert bool(delivered) is case["expected_delivered"]
    if delivered:
        body = delivered[0].json()
        assert body["id"] == out["Entries"][0]["EventId"]
        assert body["detail"] == json.loads(case["put_events_entry"]["Detail"])
