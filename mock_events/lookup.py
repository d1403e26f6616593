"""Finding a caller's buses and rules by name or ARN, with AWS's not-found errors."""

from __future__ import annotations

from . import arns
from .errors import ServiceError, bus_not_found, not_found
from .resources import EventBus, RegionState, Rule
from .service import Context


def state_for_bus(ctx: Context, name_or_arn: str | None) -> tuple[RegionState, str]:
    """The account-region state that holds the bus, and the bus's name."""
    account, region, name = arns.parse_bus(name_or_arn or "default")
    if account is None:
        return ctx.state, name
    return ctx.backend.region(account, region or ctx.region), name


def bus(ctx: Context, name_or_arn: str | None) -> EventBus:
    state, name = state_for_bus(ctx, name_or_arn)
    found = state.buses.get(name)
    if found is None:
        raise bus_not_found(name)
    return found


def rule(ctx: Context, name: str, bus_name_or_arn: str | None) -> Rule:
    event_bus = bus(ctx, bus_name_or_arn)
    found = event_bus.rules.get(name)
    if found is None:
        raise rule_not_found(name, event_bus.name)
    return found


def rule_not_found(name: str, bus_name: str) -> ServiceError:
    return not_found(f"Rule {name} does not exist on EventBus {bus_name}.")


def refuse_managed(found: Rule, *, force: bool | None = None) -> None:
    """Managed rules change only through the service that made them, or with Force where allowed."""
    if found.managed_by is None or force:
        return
    if force is None:
        message = f"{found.name} is a managed rule. Managed rules cannot be modified with this operation."
    else:
        message = f"{found.name} is a managed rule. Set 'force' parameter to true to override."
    raise ServiceError("ManagedRuleException", message)
