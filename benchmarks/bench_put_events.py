"""PutEvents of 10 entries: on buses of 1, 1,000 and 10,000 rules of each mix, and with delivery through
an InputTransformer.

Run: python benchmarks/bench_put_events.py
Targets (issue 13): 1,000 rules of each mix cost at most 1.5x what 1 rule costs, 10,000 rules at most
2x (the quotas of rules and of rules containing wildcards per bus are raised for it: AWS allows
30 of the latter, not adjustable). The one rule is the rule of the mix that the event
matches, so every bus delivers each entry to the same number of targets (the mixes are in
bench_patterns.py). Issue 4: 10 entries matched to a rule with one InputTransformer target cost at
most 2x the same call with no rules.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timezone

import boto3

from _timing import compare, table
from bench_patterns import EVENT, MIXES
from mock_events import interceptor, mock_events
from mock_events.patterns import compile

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
    m = mock_events(quotas={"rules_per_event_bus": 10000, "wildcard_rules_per_event_bus": 10000})
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


def _patterns(make, count: int) -> list[str]:  # noqa: ANN001
    rng = random.Random(7)
    return [make(i + 1, rng) for i in range(count)]


def rules(patterns: list[str]):  # noqa: ANN201
    def setup(client) -> None:  # noqa: ANN001
        for i, pattern in enumerate(patterns):
            client.put_rule(Name=f"rule-{i}", EventPattern=pattern)
            client.put_targets(Rule=f"rule-{i}", Targets=[{"Id": "q", "Arn": QUEUE}])

    return setup


def rule_churn(patterns: list[str], extra: list[str]):  # noqa: ANN201
    """A mock whose bus holds ``patterns``, and a callable that adds and removes a rule of each of
    ``extra`` through boto3 (PutRule, then DeleteRule), inside it."""
    m = mock_events(quotas={"rules_per_event_bus": 10001, "wildcard_rules_per_event_bus": 10001})
    with m:
        client = boto3.client("events", region_name="us-east-1")
        rules(patterns)(client)

    def run() -> None:
        interceptor.activate(m)
        try:
            for pattern in extra:
                client.put_rule(Name="extra", EventPattern=pattern)
                client.delete_rule(Name="extra")
        finally:
            interceptor.deactivate(m)

    return run


def no_rules(client) -> None:  # noqa: ANN001
    pass


def transformer_rule(client) -> None:  # noqa: ANN001
    client.put_rule(Name="orders", EventPattern=json.dumps({"source": [EVENT["source"]]}))
    client.put_targets(Rule="orders", Targets=[{"Id": "q", "Arn": QUEUE, "InputTransformer": TRANSFORMER}])


def main() -> None:
    rounds = 15
    per = lambda total: f"{total / 10:.0f}"  # noqa: E731 - ten calls a round
    rows = []
    for name, make in MIXES.items():
        patterns = _patterns(make, 10000)
        matching = {p for p in patterns if compile(p).matches(EVENT)}
        one = activation(rules([next(p for p in patterns if p in matching)]))
        for count, target in ((1000, "<= 1.5x"), (10000, "<= 2x")):
            base, many = compare(one, activation(rules(patterns[:count])), calls=1, rounds=rounds)
            rows.append((f"{name}: 1 rule", per(base), "1.00x", ""))
            matched = sum(p in matching for p in patterns[:count])
            rows.append((f"{name}: {count:,} rules ({matched} match)", per(many), f"{many / base:.2f}x", target))
    churn = []
    for name, make in MIXES.items():
        patterns = _patterns(make, 10010)
        one, many = compare(rule_churn(patterns[:1], patterns[10000:]), rule_churn(patterns[:10000], patterns[10000:]),
                            calls=1, rounds=rounds)
        churn.append((f"{name}: bus of 1 rule", f"{one / 20:.0f}", "", ""))
        churn.append((f"{name}: bus of 10,000 rules", f"{many / 20:.0f}", f"{many / one:.2f}x", "< 1000 us"))
    bare, delivered = compare(activation(no_rules), activation(transformer_rule), calls=1, rounds=rounds)
    rows.append(("no rules", per(bare), "1.00x", ""))
    rows.append(("1 rule, 1 target, InputTransformer (10 deliveries)", per(delivered), f"{delivered / bare:.2f}x", "<= 2x"))
    table(f"PutEvents with 10 entries, us per call (best of {rounds} alternating rounds)",
          ("case", "us/call", "ratio", "target"), rows)
    table(f"Adding or removing one rule (PutRule or DeleteRule through boto3), us per call (best of {rounds} "
          "alternating rounds)", ("case", "us/call", "ratio", "target"), churn)
    print(f"\nmeasured {datetime.now(timezone.utc):%Y-%m-%d %H:%M}Z")


if __name__ == "__main__":
    main()
