"""Time RuleIndex.match for one event on buses of 1, 100, 1,000 and 10,000 realistic rules."""

import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mock_events.patterns import RuleIndex, compile  # noqa: E402

SERVICES = ["orders", "billing", "shipping", "users", "inventory", "search", "auth", "reports"]
ACTIONS = ["Created", "Updated", "Deleted", "Failed", "Approved", "Shipped"]


def realistic_pattern(i: int, rng: random.Random) -> str:
    service = SERVICES[i % len(SERVICES)]
    source = f"com.example.{service}.{i}"
    detail_type = f"{service.title()} {ACTIONS[i % len(ACTIONS)]}"
    kind = i % 6
    if kind == 0:
        p = {"source": [source]}
    elif kind == 1:
        p = {"source": [source], "detail-type": [detail_type]}
    elif kind == 2:
        p = {"source": [source], "detail": {"amount": [{"numeric": [">", rng.randint(0, 500), "<=", 1000]}]}}
    elif kind == 3:
        p = {"detail-type": [detail_type + f" v{i}"], "detail": {"region": [{"prefix": "eu-"}]}}
    elif kind == 4:
        p = {"source": [source, source + ".replica"],
             "detail": {"status": [{"anything-but": ["cancelled", "draft"]}], "id": [{"exists": True}]}}
    else:
        p = {"$or": [{"source": [source]}, {"detail-type": [detail_type + f" #{i}"]}],
             "detail": {"customer": {"tier": ["gold", "platinum"]}}}
    return json.dumps(p)


EVENT = {
    "version": "0",
    "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": "Orders Updated",
    "source": "com.example.orders.24",
    "account": "111122223333",
    "time": "2024-01-01T00:00:00Z",
    "region": "eu-west-1",
    "resources": ["arn:aws:ec2:eu-west-1:111122223333:instance/i-1"],
    "detail": {
        "id": "o-1", "status": "paid", "amount": 700, "region": "eu-west-1",
        "customer": {"tier": "gold", "tags": ["a", "b"]},
        "lines": [{"sku": "s1", "qty": 2}, {"sku": "s2", "qty": 1}],
    },
}


def per_match_seconds(index: RuleIndex, repeat: int = 5, number: int = 2000) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            index.match(EVENT)
        best = min(best, (time.perf_counter() - start) / number)
    return best


def main() -> None:
    rng = random.Random(7)
    rows = []
    for size in (1, 100, 1000, 10000):
        index = RuleIndex()
        for i in range(size):
            index.add(f"rule-{i}", compile(realistic_pattern(i + 1, rng)))
        matched = len(index.match(EVENT))
        rows.append((size, per_match_seconds(index), matched))
    base = rows[0][1]
    print(f"{'rules':>8} {'us/match':>10} {'x 1-rule':>9} {'matched':>8}")
    for size, secs, matched in rows:
        print(f"{size:>8} {secs * 1e6:>10.2f} {secs / base:>9.2f} {matched:>8}")
    print(f"ratio 1000/1: {rows[2][1] / base:.2f}")


if __name__ == "__main__":
    main()
