"""PutEvents: entries checked as AWS checks them, answered, then routed to the rules of their bus."""

from __future__ import annotations

from datetime import datetime
from collections.abc import Callable
from typing import Any, Union

from .. import access, arns, delivery, jsontext, timestamps
from ..errors import ServiceError, validation
from ..resources import EventBus
from ..service import Context, operation

MAX_REQUEST_SIZE = 256 * 1024
_TIME_SIZE = 14


def request_size(entries: list[dict[str, Any]]) -> int:
    """The size of a request's entries as EventBridge counts it: the UTF-8 bytes of each
    entry's Source, DetailType, Detail and Resources, and 14 for a Time (keys and envelope not
    counted)."""
    size = 0
    for entry in entries:
        get = entry.get
        if get("Time") is not None:
            size += _TIME_SIZE
        source, detail_type, detail = get("Source") or "", get("DetailType") or "", get("Detail") or ""
        if source.isascii() and detail_type.isascii() and detail.isascii():  # isascii: O(1)
            size += len(source) + len(detail_type) + len(detail)
        else:
            size += len(source.encode("utf-8")) + len(detail_type.encode("utf-8")) + len(detail.encode("utf-8"))
        for value in get("Resources") or ():
            size += len(value) if value.isascii() else len(value.encode("utf-8"))
    return size


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


Destination = tuple[Union[EventBus, str], str, str]
"""Where an accepted entry goes: ``(bus, account, region)``, the bus or the ARN of the bus it
named, which does not exist; and the event's account and region (a plain tuple: one is built
per entry)."""

Resolve = Callable[[Context, dict[str, Any]], "tuple[list[Destination], dict[str, str] | None]"]
"""An operation's way to find where a checked entry goes: its destinations, or its error."""


def _missing_bus(ctx: Context, entry: dict[str, Any]) -> tuple[str, str]:
    """The ARN and region of the bus an entry names, which does not exist."""
    account, region, name = arns.parse_bus(entry.get("EventBusName") or "default")
    region = region or ctx.region
    return arns.bus_arn(region, account or ctx.account, name), region


_read_detail = jsontext.reader(int_range=jsontext.INT64)
_MALFORMED_DETAIL = ("MalformedDetail", "Detail is malformed.")


def check_entry(entry: dict[str, Any]) -> tuple[dict[str, Any], datetime | None, None] | tuple[None, None, dict[str, str]]:
    """``(detail, time, None)`` for an entry AWS accepts (``time``: its Time, None when it has
    none), else ``(None, None, its per-entry error)``.

    A Detail is malformed when it is not strict JSON, not an object, nested deeper than PutEvents
    processes, or holds an integer outside its range.
    """
    if not entry.get("Source"):
        return None, None, _required("Source")
    if not entry.get("DetailType"):
        return None, None, _required("DetailType")
    text = entry.get("Detail")
    if text is None:
        return None, None, _required("Detail")
    try:
        detail = _read_detail(text)
    except jsontext.JSONTextError:
        return None, None, entry_error(*_MALFORMED_DETAIL)
    if type(detail) is not dict:
        return None, None, entry_error(*_MALFORMED_DETAIL)
    time = entry.get("Time")
    if time is not None:
        try:
            time = timestamps.from_request(time)
        except timestamps.OutOfRange:
            return None, None, entry_error("InvalidArgument", f"Parameter Time is not valid. Reason: {_OUT_OF_RANGE}")
    return detail, time, None


def put_entries(ctx: Context, entries: list[dict[str, Any]], resolve: Resolve) -> dict[str, Any]:
    """The pipeline of PutEvents and PutPartnerEvents: check each entry, find where it goes
    (``resolve``), answer, then route the accepted events; the answer never depends on delivery.

    An entry has one event id, whichever buses its event reaches.
    """
    if request_size(entries) > MAX_REQUEST_SIZE:
        raise validation("Total size of the entries in the request is over the limit.")
    backend = ctx.backend
    now = backend.clock.now()
    results: list[dict[str, Any]] = []
    failed = 0
    routed: list[tuple[EventBus | str, dict[str, Any], str | None]] = []
    for entry in entries:
        detail, time, error = check_entry(entry)
        if error is None:
            destinations, error = resolve(ctx, entry)
        if error is not None:
            results.append(error)
            failed += 1
            continue
        event_id = backend.ids.uuid()
        results.append({"EventId": event_id})
        resources = entry.get("Resources") or ()
        for bus, account, region in destinations:
            event = delivery.envelope(
                event_id, entry["DetailType"], entry["Source"], account,
                now if time is None else time, region, list(resources), detail,
            )
            routed.append((bus, event, entry.get("TraceHeader")))
    for bus, event, trace_header in routed:
        if isinstance(bus, str):
            delivery.drop_for_missing_bus(backend, bus, event)
        else:
            delivery.publish(backend, bus, event, trace_header=trace_header, now=now)
    return {"FailedEntryCount": failed, "Entries": results}


def _to_named_bus(ctx: Context, entry: dict[str, Any]) -> tuple[list[Destination], dict[str, str] | None]:
    """PutEvents' destination: the bus the entry names (or ``default``), which may not exist; or
    the entry's error.

    Another account's bus takes the entry only where its policy allows ``events:PutEvents``,
    with ``events:source`` and ``events:detail-type`` as condition keys.
    """
    if entry["Source"].startswith(RESERVED_SOURCE_PREFIX):
        return [], not_authorized_for_source()
    account, region, name = arns.parse_bus(entry.get("EventBusName") or "default")
    if account is None:
        bus = ctx.resources.buses.get(name)
    else:
        state = ctx.backend.regions.get((account, region or ctx.region))
        bus = state.buses.get(name) if state is not None else None
        if bus is not None and bus.account != ctx.account:
            keys = {"events:source": [entry["Source"]], "events:detail-type": [entry["DetailType"]]}
            try:
                access.require(ctx, bus, "events:PutEvents", keys=keys)
            except ServiceError as denied:
                return [], entry_error(denied.code, denied.message)
    if bus is None:
        arn, region = _missing_bus(ctx, entry)
        return [(arn, ctx.account, region)], None
    return [(bus, ctx.account, bus.region)], None


def _to_bus(bus: EventBus) -> Resolve:
    """PutEvents' destination through a global endpoint: its primary bus, whatever the entry names."""

    def resolve(ctx: Context, entry: dict[str, Any]) -> tuple[list[Destination], dict[str, str] | None]:
        if entry["Source"].startswith(RESERVED_SOURCE_PREFIX):
            return [], not_authorized_for_source()
        return [(bus, ctx.account, bus.region)], None

    return resolve


@operation("PutEvents")
def put_events(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    endpoint_id = params.get("EndpointId")
    if endpoint_id is None:
        return put_entries(ctx, params["Entries"], _to_named_bus)
    from .endpoints import primary_bus

    return put_entries(ctx, params["Entries"], _to_bus(primary_bus(ctx, endpoint_id)))
