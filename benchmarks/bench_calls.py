"""Per-call time of put_rule, describe_rule, list_rules, put_targets and put_events of one entry (on a bus
with no rules): mock-events vs botocore's Stubber answering the same call.

Run: python benchmarks/bench_calls.py [operation ...]    (target, issue 13: each at most 1.2x Stubber;
names given: only those rows)
Where the difference goes: python benchmarks/profile_calls.py
"""

from __future__ import annotations

import sys
import time
from datetime import datetime, timezone

import boto3
from botocore.stub import Stubber

from _timing import compare_timed, table
from mock_events import interceptor, mock_events

PATTERN = '{"source":["orders"],"detail-type":["Order Placed"]}'
RULE_ARN = "arn:aws:events:us-east-1:123456789012:rule/r"
TARGET = {"Id": "q", "Arn": "arn:aws:sqs:us-east-1:123456789012:q"}
CALLS = {
    "put_rule": ({"Name": "r", "EventPattern": PATTERN}, {"RuleArn": RULE_ARN}),
    "describe_rule": (
        {"Name": "r"},
        {"Name": "r", "Arn": RULE_ARN, "EventPattern": PATTERN, "State": "ENABLED",
         "EventBusName": "default", "CreatedBy": "123456789012"},
    ),
    "list_rules": (
        {},
        {"Rules": [{"Name": "r", "Arn": RULE_ARN, "EventPattern": PATTERN, "State": "ENABLED",
                    "EventBusName": "default"}]},
    ),
    "put_targets": ({"Rule": "r", "Targets": [TARGET]}, {"FailedEntryCount": 0, "FailedEntries": []}),
    "put_events": (
        {"Entries": [{"Source": "orders", "DetailType": "Order Placed", "Detail": '{"id": 1}', "EventBusName": "empty"}]},
        {"FailedEntryCount": 0, "Entries": [{"EventId": "6a7e8feb-b491-4cf7-a9f1-bf3703467718"}]},
    ),
}


def stubbed_client(name: str, responses: int):  # noqa: ANN201 - a boto3 client
    client = boto3.client("events", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    params, response = CALLS[name]
    stub = Stubber(client)
    for _ in range(responses):
        stub.add_response(name, response, params)
    stub.activate()
    return client


def main(names: list[str]) -> None:
    # Many short rounds: on a shared machine whose speed changes from moment to moment, each
    # side gets rounds at the machine's best (fewer, longer rounds gave either side 1.3x-1.9x).
    calls, rounds = 100, 60
    rows = []
    m = mock_events()
    with m:
        mocked = boto3.client("events", region_name="us-east-1")
        mocked.put_rule(Name="r", EventPattern=PATTERN)
        mocked.create_event_bus(Name="empty")
    for name, (params, _) in CALLS.items():
        if names and name not in names:
            continue
        stubbed = stubbed_client(name, calls * (rounds + 1))

        def with_mock(call=getattr(mocked, name), params=params) -> float:  # noqa: ANN001
            # The same activation, resumed without a reset (the Stubber's client must not meet the
            # mock, so each round activates it), and only the calls are timed: not the activation,
            # nor the client's first call in it, which registers the mock's handler on the client
            # (the Stubber's registration is not timed either).
            interceptor.activate(m)
            try:
                call(**params)
                start = time.perf_counter()
                for _ in range(calls):
                    call(**params)
                return time.perf_counter() - start
            finally:
                interceptor.deactivate(m)

        def with_stubber(call=getattr(stubbed, name), params=params) -> float:  # noqa: ANN001
            start = time.perf_counter()
            for _ in range(calls):
                call(**params)
            return time.perf_counter() - start

        stub, mock = compare_timed(with_stubber, with_mock, rounds=rounds)
        rows.append((name, f"{stub / calls:.1f}", f"{mock / calls:.1f}", f"{mock / stub:.2f}x"))
    table(
        f"per call (us), best of {rounds} alternating rounds of {calls}",
        ("operation", "Stubber", "mock-events", "ratio"),
        rows,
    )
    print(f"\nmeasured {datetime.now(timezone.utc):%Y-%m-%d %H:%M}Z; target: ratio <= 1.2x")


if __name__ == "__main__":
    main(sys.argv[1:])
