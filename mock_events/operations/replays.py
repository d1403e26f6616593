"""Replays: StartReplay, DescribeReplay, ListReplays, CancelReplay.

A replay publishes the archived events whose event time is in [EventStartTime, EventEndTime) to
the archive's bus again, with ``replay-name`` after ``region``, to the bus's rules (only those in
``Destination.FilterArns`` when given) but never to an archive. The backend's ``replay_mode``
chooses how: ``"immediate"`` (default) replays everything before StartReplay returns;
``"clock"`` replays one minute of event time per minute of the mock's clock, as AWS does, so
RUNNING, CANCELLING and CANCELLED can be observed. Either way the work done is one step per
archived event in the window, never one per minute of the window.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .. import arns, delivery, jsontext, pagination, timestamps
from ..errors import ServiceError, already_exists, bus_not_found, limit_exceeded, not_found, validation
from ..service import Context, operation
from ..responses import present, project
from ..resources.archives import Archive, ArchivedEvent
from ..resources.replays import ACTIVE, CLOCK, MINUTE, Replay, replay_arn

if TYPE_CHECKING:
    from ..service import Backend

def _time(params: dict[str, Any], name: str) -> datetime:
    try:
        return timestamps.from_request(params[name])
    except timestamps.OutOfRange:
        # Python's calendar ends where AWS's goes on; the mock refuses what it cannot hold.
        raise validation(
            f"Parameter {name} is not valid. Reason: {name} must be between "
            "0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z."
        ) from None


def _after(start: datetime, minutes: int) -> datetime:
    """``minutes`` after ``start``; the last moment of the calendar when that is past it."""
    return timestamps.later(start, minutes * MINUTE) or timestamps.LATEST


def _archive(ctx: Context, arn: str) -> Archive:
    parts = arns.parse(arn)
    resource = parts["resource"] if parts else arn
    name = resource.split("/", 1)[1] if resource.startswith("archive/") else resource
    archive = ctx.resources.archives.get(name)
    if (
        archive is None
        or parts is None
        or (parts["account"], parts["region"]) != (ctx.account, ctx.region)
        or not resource.startswith("archive/")
    ):
        raise validation(f"Parameter EventSourceArn is not valid. Reason: Archive {name} does not exist.")
    return archive


def _destination_bus(ctx: Context, arn: str, archive: Archive) -> str:
    account, region, name = arns.parse_bus(arn)
    if account is None:
        raise validation("Parameter Destination.Arn is not valid. Reason: Must contain an event bus ARN.")
    bus = ctx.resources.buses.get(name)
    if bus is None or (account, region) != (ctx.account, ctx.region):
        raise bus_not_found(name)
    if bus.arn != archive.event_source_arn:
        raise validation("Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.")
    return bus.name


def _in_window(archive: Archive, start: datetime, end: datetime) -> list[ArchivedEvent]:
    ordered = archive.by_event_time()
    first = bisect_left(ordered, start, key=lambda e: e.time)
    last = bisect_left(ordered, end, key=lambda e: e.time)
    return ordered[first:last]


def _replayed(replay: Replay, stored: ArchivedEvent) -> dict[str, Any]:
    """The archived event as its replay publishes it: ``replay-name`` added after ``region``."""
    event = jsontext.loads(stored.text, max_depth=None)
    return delivery.envelope(
        event_id=event["id"],
        detail_type=event["detail-type"],
        source=event["source"],
        account=event["account"],
        time=stored.time,
        region=event["region"],
        resources=event["resources"],
        detail=event["detail"],
        replay_name=replay.name,
    )


def _publish_until(backend: Backend, replay: Replay, limit: datetime) -> bool:
    """Publish the pending events with event time before ``limit``; False if the bus is gone."""
    state = backend.regions.get((replay.account, replay.region))
    bus = state.buses.get(replay.bus_name) if state is not None else None
    if bus is None:
        replay.state = "FAILED"
        replay.state_reason = f"Event bus {replay.bus_name} does not exist."
        replay.replay_end = backend.clock.now()
        return False
    filter_arns = replay.destination.get("FilterArns") or None
    pending = replay.pending
    while replay.cursor < len(pending) and pending[replay.cursor].time < limit:
        stored = pending[replay.cursor]
        replay.cursor += 1
        delivery.publish(backend, bus, _replayed(replay, stored), rule_filter=filter_arns)
    return True


def _complete(backend: Backend, replay: Replay, when: datetime) -> None:
    replay.timer.cancel()
    replay.state = "COMPLETED"
    replay.last_replayed = replay.event_end
    replay.replay_end = when
    replay.pending = []


def _schedule(backend: Backend, replay: Replay, when: datetime) -> None:
    replay.timer.arm(backend.clock, when, lambda due: _step(backend, replay, due), run=backend.run)


def _step(backend: Backend, replay: Replay, due: datetime) -> None:
    """One wake-up of a clock-mode replay: replay the slices now due, then sleep until the next
    slice that holds an event, or until the last slice."""
    if replay.state == "CANCELLING":
        replay.state = "CANCELLED"
        replay.replay_end = due
        replay.pending = []
        return
    replay.state = "RUNNING"
    done = (due - replay.replay_start) // MINUTE
    # At the calendar's last moment the clock goes no further: what is left is replayed now.
    upto = replay.event_end if due >= timestamps.LATEST else replay.window_until(done)
    replay.last_replayed = upto
    if not _publish_until(backend, replay, upto):
        return
    last = _after(replay.replay_start, replay.slices)
    if upto >= replay.event_end:
        _complete(backend, replay, due)
        return
    wake = last
    if replay.cursor < len(replay.pending):
        slice_index = (replay.pending[replay.cursor].time - replay.event_start) // MINUTE
        wake = min(last, _after(replay.replay_start, slice_index + 1))
    _schedule(backend, replay, wake)


@operation("StartReplay")
def start_replay(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    state = ctx.resources
    archive = _archive(ctx, params["EventSourceArn"])
    destination = params["Destination"]
    bus_name = _destination_bus(ctx, destination["Arn"], archive)
    start, end = _time(params, "EventStartTime"), _time(params, "EventEndTime")
    if start >= end:
        raise validation("Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.")
    name = params["ReplayName"]
    if name in state.replays:
        raise already_exists(f"Replay {name} already exists.")
    active = sum(1 for r in state.replays.values() if r.state in ACTIVE)
    if active >= ctx.backend.quotas["active_replays"]:
        raise limit_exceeded()
    now = ctx.now()
    replay = Replay(
        name=name,
        arn=replay_arn(ctx.region, ctx.account, name),
        account=ctx.account,
        region=ctx.region,
        event_source_arn=archive.arn,
        destination=dict(destination),
        bus_name=bus_name,
        event_start=start,
        event_end=end,
        replay_start=now,
        description=params.get("Description"),
        pending=_in_window(archive, start, end),
    )
    state.replays[name] = replay
    response = project(describe(replay, now), "StartReplay")
    if ctx.backend.replay_mode == CLOCK:
        _schedule(ctx.backend, replay, _after(now, 1))
    elif _publish_until(ctx.backend, replay, end):
        _complete(ctx.backend, replay, ctx.now())
    return response


def find(ctx: Context, name: str) -> Replay:
    replay = ctx.resources.replays.get(name)
    if replay is None:
        raise not_found(f"Replay {name} does not exist.")
    return replay


def describe(replay: Replay, now: datetime) -> dict[str, Any]:
    """The replay as DescribeReplay answers it; other operations answer a projection of it."""
    last = replay.progress(now)
    return present({
        "ReplayName": replay.name,
        "ReplayArn": replay.arn,
        "Description": replay.description,
        "State": replay.state,
        "StateReason": replay.state_reason,
        "EventSourceArn": replay.event_source_arn,
        "Destination": replay.destination,
        "EventStartTime": replay.event_start,
        "EventEndTime": replay.event_end,
        "EventLastReplayedTime": None if replay.state == "CANCELLING" else last,
        "ReplayStartTime": replay.replay_start,
        "ReplayEndTime": replay.replay_end,
    })


@operation("DescribeReplay")
def describe_replay(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return describe(find(ctx, params["ReplayName"]), ctx.now())


@operation("ListReplays")
def list_replays(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    pagination.single_filter("ListReplays", params)
    replays = list(ctx.resources.replays.values())
    if "NamePrefix" in params:
        replays = [r for r in replays if r.name.startswith(params["NamePrefix"])]
    if "EventSourceArn" in params:
        replays = [r for r in replays if r.event_source_arn == params["EventSourceArn"]]
    if "State" in params:
        replays = [r for r in replays if r.state == params["State"]]
    chunk, token = pagination.page(replays, params, key=lambda r: r.name)
    now = ctx.now()
    listed = [project(describe(r, now), "ListReplays", list_key="Replays") for r in chunk]
    return pagination.with_token({"Replays": listed}, token)


@operation("CancelReplay")
def cancel_replay(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    replay = find(ctx, params["ReplayName"])
    if replay.state not in ACTIVE:
        raise ServiceError(
            "IllegalStatusException", f"Replay {replay.name} is not in a valid state for this operation."
        )
    replay.state = "CANCELLING"
    now = ctx.now()
    done = (now - replay.replay_start) // MINUTE
    _schedule(ctx.backend, replay, _after(replay.replay_start, done + 1))
    return project(describe(replay, now), "CancelReplay")
