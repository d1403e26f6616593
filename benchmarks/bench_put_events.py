"""PutEvents of 10 entries: on buses of 1 and 1,000 rules, and with delivery through an InputTransformer.

Run: python benchmarks/bench_put_events.py
Targets: 1,000 rules cost at most 2x what 1 rule costs (issue 3); 10 entries matched to a rule
with one InputTransformer target cost at most 2x the same call with no rules (issue 4).
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timezone

import boto3

from _timing import compare, table
from bench_patterns import EVENT, realistic_pattern
from mock_events import interceptor, mock_events

QUEUE = "arn:aws:sqs:us-east-1:123456789012:q"
ENTRIES = [
    {
        "Source": EVENT["source"],
        "DetailType": EVENT["detail-type"],
        "Detail": json.dumps(EVENT["detail"]),
        "Resources": EVENT["resources"],
    }
] * 10
TRANSFORMER = {
    "InputPathsMap": {"id": "$.detail.id", "amount": "$.detail.amount", "tier": "$.detail.customer.tier"},
    "InputTemplate": '{"order": <id>, "amount": <amount>, "tier": "<tier>", "rule": "<aws.events.rule-name>"}',
}


def activation(setup):  # noqa: ANN001, ANN201
    """A mock set up once, and a callable that runs 10 PutEvents calls inside it."""
    m = mock_events(quotas={"rules_per_event_bus": 10000})
    with m:
        client = boto3.client("events", region_name="us-east-1")
        setup(client)

    def run() -> None:
        interceptor.activate(m)
        try:
            for _ in range(10):
                client.put_events(Entries=ENTRIES)
            m.clear_deliveries()
        finally:
            interceptor.deactivate(m)

    return run


def rules(count: int):  # noqa: ANN201
    def setup(client) -> None:  # noqa: ANN001
        rng = random.Random(7)
        for i in range(count):
            client.put_rule(Name=f"rule-{i}", EventPattern=realistic_pattern(i + 1, rng))
            client.put_targets(Rule=f"rule-{i}", Targets=[{"Id": "q", "Arn": QUEUE}])

    return setup


def no_rules(client) -> None:  # noqa: ANN001
    pass


def transformer_rule(client) -> None:  # noqa: ANN001
    client.put_rule(Name="orders", EventPattern=json.dumps({"source": [EVENT["source"]]}))
    client.put_targets(Rule="orders", Targets=[{"Id": "q", "Arn": QUEUE, "InputTransformer": TRANSFORMER}])


def main() -> None:
    rounds = 15
    one, thousand = compare(activation(rules(1)), activation(rules(1000)), calls=1, rounds=rounds)
    bare, delivered = compare(activation(no_rules), activation(transformer_rule), calls=1, rounds=rounds)
    per = lambda total: f"{total / 10:.0f}"  # noqa: E731 - ten calls a round
    table(
        f"PutEvents with 10 entries, us per call (best of {rounds} alternating rounds)",
        ("case", "us/call", "ratio", "target"),
        [
            ("bus with 1 rule", per(one), "1.00x", ""),
            ("bus with 1,000 rules", per(thousand), f"{thousand / one:.2f}x", "<= 2x"),
            ("no rules", per(bare), "1.00x", ""),
            ("1 rule, 1 target, InputTransformer (10 deliveries)", per(delivered), f"{delivered / bare:.2f}x", "<= 2x"),
        ],
    )
    print(f"\nmeasured {datetime.now(timezone.utc):%Y-%m-%d %H:%M}Z")


if __name__ == "__main__":
    main()
