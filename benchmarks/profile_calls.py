"""Where bench_calls' difference goes: for each call of bench_calls, the time mock-events adds over
botocore's Stubber, split into the time of the mock's before-call handler inside the boto3 call
(request body read and checked, the operation's handler, the parsed answer) and the rest (botocore
running slower or faster around it, minus the Stubber's own handler).

Run: python benchmarks/profile_calls.py    (same rounds as bench_calls; a profiling aid, no target)

The handler is timed inside real calls: measured alone in a loop it costs about half as much,
as its code and data stay in the CPU's caches between iterations, while a boto3 call between two
of its runs evicts them.

The last column is the floor of answering in a before-call handler at all: the same calls with
the mock's handler replaced by one that hands back the answer it gave first (no request read, no
state, no answer built). Its ratio to the Stubber says how much of the Stubber's time is the
Stubber's own work (checking the expected parameters), which a mock's handler may spend instead.
"""

from __future__ import annotations

import time

from bench_calls import CALLS, PATTERN, stubbed_client
import boto3

from mock_events import interceptor, mock_events


def main() -> None:
    calls, rounds = 100, 40
    m = mock_events()
    with m:
        mocked = boto3.client("events", region_name="us-east-1")
        mocked.put_rule(Name="r", EventPattern=PATTERN)
        mocked.create_event_bus(Name="empty")
    answer = interceptor._answer
    inside = [0]
    first: dict[str, object] = {}

    def canned_answer(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - botocore's handler arguments
        model = kwargs["model"]
        if model.name not in first:
            first[model.name] = answer(*args, **kwargs)
        return first[model.name]

    def timed_answer(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - botocore's handler arguments
        start = time.perf_counter_ns()
        try:
            return answer(*args, **kwargs)
        finally:
            inside[0] += time.perf_counter_ns() - start

    print(f"per call (us), best of {rounds} alternating rounds of {calls}")
    print("    operation  Stubber  mock-events  added  = handler + rest   canned answer (x Stubber)")
    for name, (params, _) in CALLS.items():
        stub_call = getattr(stubbed_client(name, calls * (2 * rounds + 3)), name)
        mock_call = getattr(mocked, name)

        def stubbed() -> float:
            start = time.perf_counter()
            for _ in range(calls):
                stub_call(**params)
            return time.perf_counter() - start

        def mocked_round() -> tuple[float, float]:
            interceptor.activate(m)
            try:
                mock_call(**params)  # registers the handler on the client (untimed, as in bench_calls)
                inside[0] = 0
                start = time.perf_counter()
                for _ in range(calls):
                    mock_call(**params)
                return time.perf_counter() - start, inside[0] / 1e9
            finally:
                interceptor.deactivate(m)

        stubbed()
        mocked_round()
        best_stub = best_mock = best_handler = best_canned = float("inf")
        for _ in range(rounds):
            best_stub = min(best_stub, stubbed())
            best_mock = min(best_mock, mocked_round()[0])
            interceptor._answer = timed_answer  # the timed handler is registered at activation
            try:
                best_handler = min(best_handler, mocked_round()[1])
            finally:
                interceptor._answer = answer
            interceptor._answer = canned_answer
            try:
                best_canned = min(best_canned, mocked_round()[0])
            finally:
                interceptor._answer = answer
        stub, mock, handler, canned = (t / calls * 1e6 for t in (best_stub, best_mock, best_handler, best_canned))
        print(f"{name:>13}  {stub:7.1f}  {mock:11.1f}  {mock - stub:5.1f}  = {handler:7.1f} + {mock - stub - handler:4.1f}"
              f"   {canned:7.1f} ({canned / stub:.2f}x)")


if __name__ == "__main__":
    main()
