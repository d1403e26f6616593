"""Partner event sources, from both sides.

The partner (a SaaS provider's account): CreatePartnerEventSource, DescribePartnerEventSource,
ListPartnerEventSources, ListPartnerEventSourceAccounts, DeletePartnerEventSource,
PutPartnerEvents. The receiving account: DescribeEventSource, ListEventSources,
ActivateEventSource, DeactivateEventSource, and CreateEventBus with EventSourceName.

A receiving account's source is ACTIVE while the partner event bus of the same name exists and
the source is not deactivated, PENDING otherwise, and DELETED once the partner deleted it after
that account created its bus. PutPartnerEvents reaches the buses of ACTIVE sources only.
"""

from __future__ import annotations

from typing import Any

from .. import pagination
from ..errors import ServiceError, already_exists, not_found
from ..resources import RegionState
from ..resources.partner_sources import EventSource, PartnerEventSource, source_arn, state_of
from ..responses import project
from ..service import Context, operation
from .put_events import Destination, not_authorized_for_source, put_entries


def _source_not_found(name: str) -> ServiceError:
    return not_found(f"Event source {name} does not exist.")


def _invalid_state(name: str, state: str, action: str) -> ServiceError:
    return ServiceError(
        "InvalidStateException", f"Event source {name} is {state} and cannot be {action}."
    )


def check_bus_creation(state: RegionState, name: str) -> None:
    """Refuse CreateEventBus with EventSourceName unless the account holds a live source."""
    source = state.event_sources.get(name)
    if source is None:
        raise _source_not_found(name)
    if source.deleted:
        raise _invalid_state(name, "DELETED", "used to create an event bus")


# -- the partner's side ---------------------------------------------------------------------


def _partner_source(ctx: Context, name: str) -> PartnerEventSource:
    found = ctx.resources.partner_event_sources.get(name)
    if found is None:
        raise _source_not_found(name)
    return found


@operation("CreatePartnerEventSource")
def create_partner_event_source(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    name, account = params["Name"], params["Account"]
    partner = ctx.resources.partner_event_sources.get(name)
    if partner is not None and account in partner.accounts:
        raise already_exists(f"Event source {name} already exists.")
    receiving = ctx.backend.region(account, ctx.region)
    existing = receiving.event_sources.get(name)
    if existing is not None and not existing.deleted:
        raise already_exists(f"Event source {name} already exists.")
    now = ctx.now()
    if partner is None:
        partner = PartnerEventSource(name=name, arn=source_arn(ctx.region, name))
        ctx.resources.partner_event_sources[name] = partner
    partner.accounts[account] = now
    receiving.event_sources[name] = EventSource(
        name=name,
        arn=partner.arn,
        created_by=name.split("/")[1],
        partner_account=ctx.account,
        creation_time=now,
    )
    return {"EventSourceArn": partner.arn}


def describe_partner(partner: PartnerEventSource) -> dict[str, Any]:
    """The partner's source as DescribePartnerEventSource answers it; ListPartnerEventSources
    answers a projection of it."""
    return {"Arn": partner.arn, "Name": partner.name}


@operation("DescribePartnerEventSource")
def describe_partner_event_source(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return describe_partner(_partner_source(ctx, params["Name"]))


@operation("ListPartnerEventSources")
def list_partner_event_sources(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    prefix = params["NamePrefix"]
    items = [p for p in ctx.resources.partner_event_sources.values() if p.name.startswith(prefix)]
    chunk, token = pagination.page(items, params, key=lambda p: p.name)
    listed = [
        project(describe_partner(p), "ListPartnerEventSources", list_key="PartnerEventSources") for p in chunk
    ]
    return pagination.with_token({"PartnerEventSources": listed}, token)


@operation("ListPartnerEventSourceAccounts")
def list_partner_event_source_accounts(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    partner = _partner_source(ctx, params["EventSourceName"])
    chunk, token = pagination.page(list(partner.accounts), params, key=lambda a: a)
    items = []
    for account in chunk:
        receiving = ctx.backend.region(account, ctx.region)
        source = receiving.event_sources.get(partner.name)
        item: dict[str, Any] = {"Account": account, "CreationTime": partner.accounts[account]}
        if source is not None:
            item["State"] = state_of(receiving, source)
        items.append(item)
    return pagination.with_token({"PartnerEventSourceAccounts": items}, token)


@operation("DeletePartnerEventSource")
def delete_partner_event_source(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    name, account = params["Name"], params["Account"]
    partner = ctx.resources.partner_event_sources.get(name)
    if partner is None or account not in partner.accounts:
        return {}
    del partner.accounts[account]
    if not partner.accounts:
        del ctx.resources.partner_event_sources[name]
    receiving = ctx.backend.region(account, ctx.region)
    source = receiving.event_sources.get(name)
    if source is not None:
        bus = receiving.buses.get(name)
        if bus is not None and bus.event_source_name == name:
            source.deleted = True
        else:
            del receiving.event_sources[name]
    return {}


@operation("PutPartnerEvents")
def put_partner_events(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    """PutEvents' pipeline; an entry's source is the partner's event source, and its event goes to
    the bus of every account where that source is ACTIVE (with that account in the event)."""

    def destinations(ctx: Context, entry: dict[str, Any]) -> tuple[list[Destination], dict[str, str] | None]:
        partner = ctx.resources.partner_event_sources.get(entry["Source"])
        if partner is None:
            return [], not_authorized_for_source()
        found = []
        for account in partner.accounts:
            receiving = ctx.backend.region(account, ctx.region)
            source = receiving.event_sources.get(partner.name)
            if source is not None and state_of(receiving, source) == "ACTIVE":
                bus = receiving.buses[partner.name]
                found.append((bus, account, bus.region))
        return found, None

    return put_entries(ctx, params["Entries"], destinations)


# -- the receiving account's side ---------------------------------------------------------------


def _source(ctx: Context, name: str) -> EventSource:
    found = ctx.resources.event_sources.get(name)
    if found is None:
        raise _source_not_found(name)
    return found


def describe(state: RegionState, source: EventSource) -> dict[str, Any]:
    """The receiving account's source as DescribeEventSource answers it; ListEventSources answers
    a projection of it."""
    return {
        "Arn": source.arn,
        "CreatedBy": source.created_by,
        "CreationTime": source.creation_time,
        "Name": source.name,
        "State": state_of(state, source),
    }


@operation("DescribeEventSource")
def describe_event_source(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return describe(ctx.resources, _source(ctx, params["Name"]))


@operation("ListEventSources")
def list_event_sources(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    prefix = params.get("NamePrefix", "")
    state = ctx.resources
    items = [s for s in state.event_sources.values() if s.name.startswith(prefix)]
    chunk, token = pagination.page(items, params, key=lambda s: s.name)
    return pagination.with_token({"EventSources": [project(describe(state, s), "ListEventSources", list_key="EventSources") for s in chunk]}, token)


@operation("ActivateEventSource")
def activate_event_source(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    source = _source(ctx, params["Name"])
    current = state_of(ctx.resources, source)
    if source.deleted or not source.deactivated:
        raise _invalid_state(source.name, current, "activated")
    source.deactivated = False
    return {}


@operation("DeactivateEventSource")
def deactivate_event_source(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    source = _source(ctx, params["Name"])
    current = state_of(ctx.resources, source)
    if current != "ACTIVE":
        raise _invalid_state(source.name, current, "deactivated")
    source.deactivated = True
    return {}
