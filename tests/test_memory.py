"""Long runs stay within a memory bound when the delivery log is capped or cleared.

200,000 events are put on a bus with a matching rule and target, through the PutEvents
handler that boto3 calls reach (``dispatch.dispatch``; botocore's own client work would only
make the test slower). tracemalloc slows allocation-heavy code about sevenfold, so it traces
two windows of 5,000 events: the first (the log fills up to its cap) and the last (the log
is full and turns over). Memory freed in a window but allocated before it is not counted, so
the last window's net growth is what the capped log holds at its end (1,000 events). Figures
measured (CPython 3.11, 2 cores): peak 2.8 MB in the first window and 2.7 MB in the last, net
growth 1.5 MB over the last; an uncapped log holds about 1.4 KB per event (7 MB per window).
Bounds asserted: 8 MB peak per window, 4 MB net growth over the last one.
"""

from __future__ import annotations

import json
import tracemalloc

import boto3

from mock_events import EventsMock
from mock_events.dispatch import dispatch
from mock_events.service import Context

EVENTS = 200_000
WINDOW = 5_000
BATCH = 1_000
CAP = 1_000
PEAK_BOUND = 8 * 1024 * 1024
GROWTH_BOUND = 4 * 1024 * 1024

ENTRIES = [
    {"Source": "load", "DetailType": "tick", "Detail": json.dumps({"i": i, "pad": "p" * 64})}
    for i in range(BATCH)
]


def _armed_mock(mock: EventsMock) -> Context:
    client = boto3.client("events", region_name="us-east-1")
    client.put_rule(Name="r", EventPattern='{"source":["load"]}')
    client.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": "arn:aws:sqs:us-east-1:123456789012:q"}])
    return Context(mock._backend, mock.account_id, mock.region)


def _put(ctx: Context, count: int) -> None:
    for _ in range(count // BATCH):
        out = dispatch(ctx, "PutEvents", {"Entries": ENTRIES})
        assert out["FailedEntryCount"] == 0


def _traced(ctx: Context, count: int) -> tuple[int, int]:
    """(peak, net growth) of traced memory while ``count`` events are put."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        _put(ctx, count)
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - before, current - before


def test_200000_events_with_a_capped_log_stay_within_the_memory_bound() -> None:
    with EventsMock() as mock:
        ctx = _armed_mock(mock)
        mock.cap_logs(CAP)
        first_peak, _ = _traced(ctx, WINDOW)
        _put(ctx, EVENTS - 2 * WINDOW)
        last_peak, last_growth = _traced(ctx, WINDOW)
        assert len(mock.deliveries()) == CAP
        assert len(mock.events()) == CAP
        assert mock.deliveries()[-1].event["detail"]["i"] == BATCH - 1
    assert first_peak < PEAK_BOUND, first_peak
    assert last_peak < PEAK_BOUND, last_peak
    assert last_growth < GROWTH_BOUND, last_growth


def test_clearing_the_log_gives_its_memory_back() -> None:
    with EventsMock() as mock:
        ctx = _armed_mock(mock)
        tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            _put(ctx, 2 * WINDOW)
            filled = tracemalloc.get_traced_memory()[0] - base
            mock.clear_deliveries()
            cleared = tracemalloc.get_traced_memory()[0] - base
        finally:
            tracemalloc.stop()
        assert mock.deliveries() == [] and mock.events() == []
    assert filled > 2 * WINDOW * 1024, "the uncapped log should hold every event"
    assert cleared < GROWTH_BOUND / 4, cleared


def test_a_cap_set_later_trims_the_log_at_once_and_keeps_it_trimmed() -> None:
    with EventsMock() as mock:
        ctx = _armed_mock(mock)
        _put(ctx, 3 * BATCH)
        mock.cap_logs(10)
        assert len(mock.deliveries()) == 10
        _put(ctx, BATCH)
        assert len(mock.deliveries()) == 10
        mock.cap_logs(None)
        _put(ctx, BATCH)
        assert len(mock.deliveries()) == 10 + BATCH
