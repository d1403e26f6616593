"""Not part of the suite: shows who answers EventBridge inside moto's activations."""

import boto3
import pytest
from moto import mock_aws


@mock_aws
def test_mock_events_answers_inside_mock_aws():
    events = boto3.client("events", region_name="us-east-1")
    with pytest.raises(Exception) as excinfo:
        events.put_rule(Name="r", EventPattern="{}")  # moto accepts it, AWS (and mock-events) refuse
    assert excinfo.value.response["Error"]["Code"] == "InvalidEventPatternException"
