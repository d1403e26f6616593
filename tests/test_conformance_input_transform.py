"""Every recorded input-transformation case, through PutRule, PutTargets and PutEvents."""

from __future__ import annotations

from datetime import timedelta

import boto3
import pytest
from botocore.exceptions import ClientError

from conftest import load_corpus
from placeholders import matches

CASES = load_corpus("input_transform.json")
ACCOUNT = "111111111111"
BUS, RULE, TARGET = "test-bus", "test-rule", "test-target"
QUEUE = f"arn:aws:sqs:us-east-1:{ACCOUNT}:queue"
NAMES = {"region": "us-east-1", "partition": "aws", "bus-name": BUS, "rule-name": RULE, "target-id": TARGET}


@pytest.fixture
def client(events_mock):
    return boto3.client("events", region_name="us-east-1",
                        aws_access_key_id=ACCOUNT, aws_secret_access_key="x")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_input_transform_case(client, events_mock, case):
    target = {"Id": TARGET, "Arn": QUEUE, **case["target_input_config"]}
    schedule = case.get("rule_schedule_expression")
    if schedule:
        events_mock.clock.freeze()
        client.put_rule(Name=RULE, ScheduleExpression=schedule)
    else:
        client.create_event_bus(Name=BUS)
        client.put_rule(Name=RULE, EventBusName=BUS, EventPattern=case["rule_event_pattern"])
    error = case.get("expected_error")
    if error:
        with pytest.raises(ClientError) as excinfo:
            client.put_targets(Rule=RULE, EventBusName="default" if schedule else BUS, Targets=[target])
        got = excinfo.value.response["Error"]
        assert got["Code"] == error["code"]
        assert got["Message"] == error["message"].replace("<target-id>", TARGET)
        return
    client.put_targets(Rule=RULE, EventBusName="default" if schedule else BUS, Targets=[target])
    if schedule:
        events_mock.clock.advance(timedelta(minutes=1))
    else:
        out = client.put_events(Entries=[{**case["put_events_entry"], "EventBusName": BUS}])
        assert out["FailedEntryCount"] == 0
    delivered = events_mock.deliveries(QUEUE)
    if not case["expected_delivered"]:
        assert delivered == []
        return
    assert len(delivered) == 1
    assert matches(case["expected_delivered_payload"], delivered[0].payload, NAMES), delivered[0].payload
