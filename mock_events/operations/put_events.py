"""PutEvents: entries checked as AWS checks them, answered, then routed to the rules of their bus."""

from __future__ import annotations

from datetime import datetime
from collections.abc import Callable
from typing import Any, NamedTuple

from .. import access, arns, delivery, jsontext, timestamps
from ..errors import ServiceError, validation
from ..resources import EventBus
from ..service import Context, operation

MAX_REQUEST_SIZE = 256 * 1024
_TIME_SIZE = 14


def entry_size(entry: dict[str, Any]) -> int:
    """An entry's size as EventBridge counts it (keys and envelope not counted)."""
    size = _TIME_SIZE if entry.get("Time") is not None else 0
    for key in ("Source", "DetailType", "Detail"):
        value = entry.get(key)
        if value:
            size += _utf8_length(value)
    for resource in entry.get("Resources") or ():
        size += _utf8_length(resource)
    return size


def _utf8_length(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def parse_detail(text: str) -> dict[str, Any] | None:
    """The Detail object; None when AWS calls it malformed (not strict JSON, not an object,
    nested deeper than PutEvents processes, or an integer outside its range)."""
    try:
        detail = jsontext.loads(text, int_range=jsontext.INT64)
    except jsontext.JSONTextError:
        return None
    return detail if isinstance(detail, dict) else None


def entry_error(code: str, message: str) -> dict[str, str]:
    return {"ErrorCode": code, "ErrorMessage": message}


# Sources beginning "aws." belong to AWS services (docs.aws.amazon.com/scheduler/latest/APIReference/
# API_EventBridgePutEventsV2Parameters.html: "The source can't start with the aws. prefix."); a
# PutEvents entry with one fails alone, as recorded in aws-samples/serverless-patterns#3089.
RESERVED_SOURCE_PREFIX = "aws."


def not_authorized_for_source() -> dict[str, str]:
    return entry_error("NotAuthorizedForSourceException", "Not authorized for the source.")


# Python's calendar ends where AWS's goes on; the mock refuses what it cannot hold.
_OUT_OF_RANGE = "Time must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z."


def _required(name: str) -> dict[str, str]:
    return entry_error(
        "InvalidArgument", f"Parameter {name} is not valid. Reason: {name} is a required argument."
    )


def event_time(entry: dict[str, Any], now: datetime) -> datetime:
    """The entry's Time (checked by check_entry), else ``now``."""
    value = entry.get("Time")
    return now if value is None else timestamps.from_request(value)


def resolve_bus(
    ctx: Context, entry: dict[str, Any]
) -> tuple[EventBus | None, dict[str, str] | None]:
    """The bus an entry names (None when it does not exist), or the entry's error.

    Another account's bus takes the entry only where its policy allows ``events:PutEvents``,
    with ``events:source`` and ``events:detail-type`` as condition keys.
    """
    account, region, name = arns.parse_bus(entry.get("EventBusName") or "default")
    if account is None:
        return ctx.resources.buses.get(name), None
    state = ctx.backend.regions.get((account, region or ctx.region))
    bus = state.buses.get(name) if state is not None else None
    if bus is not None:
        keys = {"events:source": [entry["Source"]], "events:detail-type": [entry["DetailType"]]}
        try:
            access.require(ctx, bus, "events:PutEvents", keys=keys)
        except ServiceError as denied:
            return None, entry_error(denied.code, denied.message)
    return bus, None


class Destination(NamedTuple):
    """Where an accepted entry goes: a bus, or the ARN of the bus it named, which does not exist;
    and the event's ``account`` and ``region``."""

    bus: EventBus | str
    account: str
    region: str


Resolve = Callable[[dict[str, Any]], "tuple[list[Destination], dict[str, str] | None]"]
"""An operation's way to find where a checked entry goes: its destinations, or its error."""


def _missing_bus(ctx: Context, entry: dict[str, Any]) -> tuple[str, str]:
    """The ARN and region of the bus an entry names, which does not exist."""
    account, region, name = arns.parse_bus(entry.get("EventBusName") or "default")
    region = region or ctx.region
    return arns.bus_arn(region, account or ctx.account, name), region


def check_request_size(entries: list[dict[str, Any]]) -> None:
    if sum(map(entry_size, entries)) > MAX_REQUEST_SIZE:
        raise validation("Total size of the entries in the request is over the limit.")


def check_entry(entry: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, str] | None]:
    """``(detail, None)`` for an entry AWS accepts, else ``(None, its per-entry error)``."""
    for name in ("Source", "DetailType"):
        if not entry.get(name):
            return None, _required(name)
    if entry.get("Detail") is None:
        return None, _required("Detail")
    detail = parse_detail(entry["Detail"])
    if detail is None:
        return None, entry_error("MalformedDetail", "Detail is malformed.")
    if entry.get("Time") is not None:
        try:
            timestamps.from_request(entry["Time"])
        except timestamps.OutOfRange:
            return None, entry_error("InvalidArgument", f"Parameter Time is not valid. Reason: {_OUT_OF_RANGE}")
    return detail, None


def put_entries(ctx: Context, entries: list[dict[str, Any]], resolve: Resolve) -> dict[str, Any]:
    """The pipeline of PutEvents and PutPartnerEvents: check each entry, find where it goes
    (``resolve``), answer, then route the accepted events; the answer never depends on delivery.

    An entry has one event id, whichever buses its event reaches.
    """
    check_request_size(entries)
    now = ctx.now()
    results: list[dict[str, Any]] = []
    failed = 0
    routed: list[tuple[EventBus | str, dict[str, Any], str | None]] = []
    for entry in entries:
        detail, error = check_entry(entry)
        destinations: list[Destination] = []
        if error is None:
            destinations, error = resolve(entry)
        if error is not None:
            results.append(error)
            failed += 1
            continue
        event_id = ctx.backend.ids.uuid()
        results.append({"EventId": event_id})
        for bus, account, region in destinations:
            event = delivery.envelope(
                event_id=event_id,
                detail_type=entry["DetailType"],
                source=entry["Source"],
                account=account,
                time=event_time(entry, now),
                region=region,
                resources=list(entry.get("Resources") or []),
                detail=detail,
            )
            routed.append((bus, event, entry.get("TraceHeader")))
    for bus, event, trace_header in routed:
        if isinstance(bus, str):
            delivery.drop_for_missing_bus(ctx.backend, bus, event)
        else:
            delivery.publish(ctx.backend, bus, event, trace_header=trace_header)
    return {"FailedEntryCount": failed, "Entries": results}


def _put_events_destination(
    ctx: Context, entry: dict[str, Any], endpoint_bus: EventBus | None
) -> tuple[list[Destination], dict[str, str] | None]:
    if entry["Source"].startswith(RESERVED_SOURCE_PREFIX):
        return [], not_authorized_for_source()
    bus, error = (endpoint_bus, None) if endpoint_bus is not None else resolve_bus(ctx, entry)
    if error is not None:
        return [], error
    if bus is None:
        arn, region = _missing_bus(ctx, entry)
        return [Destination(arn, ctx.account, region)], None
    return [Destination(bus, ctx.account, bus.region)], None


@operation("PutEvents")
def put_events(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    endpoint_id = params.get("EndpointId")
    endpoint_bus = None
    if endpoint_id is not None:
        from .endpoints import primary_bus

        endpoint_bus = primary_bus(ctx, endpoint_id)
    return put_entries(ctx, params["Entries"], lambda entry: _put_events_destination(ctx, entry, endpoint_bus))
