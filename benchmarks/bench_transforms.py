"""PutEvents of one event nested 1,000 levels to a target whose transform is hostile, against the
same call to a target with an ordinary InputPath.

Run: python benchmarks/bench_transforms.py
Target (issue 11): no path hangs. A transform whose output would be over 256 KB, or whose JSON
paths visit more than 524,288 values, stops there and delivers nothing; each call below costs at
most 100x the ordinary one (before the fix, '$..a..a' wrote about 1 GB of JSON).
"""

from __future__ import annotations

import boto3

from _timing import compare, table
from mock_events import interceptor, mock_events

QUEUE = "arn:aws:sqs:us-east-1:123456789012:q"
DEEP = '{"a":' * 999 + '{"leaf":1}' + "}" * 999
ENTRIES = [{"Source": "s", "DetailType": "t", "Detail": DEEP}]
CASES = {
    "InputPath $..a..a (500,000 values)": {"InputPath": "$..a..a"},
    "InputPath $.detail..* (3 MB of text)": {"InputPath": "$.detail..*"},
    "InputPath $..a.`parent` (unions of parents)": {"InputPath": "$.detail" + ".(a|a).`parent`" * 12},
    "template <d> x 100 (600 KB)": {
        "InputTransformer": {"InputPathsMap": {"d": "$.detail"}, "InputTemplate": "[" + ",".join(["<d>"] * 100) + "]"}
    },
}


def activation(target: dict) -> object:  # noqa: ANN001
    """A mock with one rule and ``target``, and a callable that puts the deep event inside it."""
    m = mock_events()
    with m:
        client = boto3.client("events", region_name="us-east-1")
        client.put_rule(Name="r", EventPattern='{"source":["s"]}')
        client.put_targets(Rule="r", Targets=[{"Id": "q", "Arn": QUEUE, **target}])

    def run() -> None:
        interceptor.activate(m)
        try:
            client.put_events(Entries=ENTRIES)
            m.clear_deliveries()
        finally:
            interceptor.deactivate(m)

    return run


def main() -> None:
    ordinary = activation({"InputPath": "$.detail.a.a"})
    rows = []
    for name, target in CASES.items():
        base, hostile = compare(ordinary, activation(target), calls=1, rounds=5)
        rows.append((name, f"{hostile:.0f}", f"{hostile / base:.1f}x", "<= 100x"))
    rows.insert(0, ("InputPath $.detail.a.a (ordinary)", f"{base:.0f}", "1.0x", ""))
    table("PutEvents of one event nested 1,000 levels, us per call (best of 5 alternating rounds)",
          ("target's transform", "us/call", "ratio", "target"), rows)


if __name__ == "__main__":
    main()
