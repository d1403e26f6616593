"""Finding a caller's buses and rules by name or ARN, with AWS's not-found errors."""

from __future__ import annotations

from . import access, arns
from .errors import ServiceError, bus_not_found, not_found
from .resources import EventBus, RegionState, Rule
from .service import Context


def existing_state(ctx: Context, account: str, region: str) -> RegionState | None:
    """The state of an account and region, without creating it for a mere look-up."""
    if account == ctx.account and region == ctx.region:
        return ctx.resources
    return ctx.backend.regions.get((account, region))


def bus(ctx: Context, name_or_arn: str | None, *, action: str) -> EventBus:
    """The bus named (default: ``default``), on which the caller may do ``action``.

    A bus ARN may name another account's bus: its resource policy must allow ``action`` on the
    bus (see ``access``), else AccessDeniedException.
    """
    # The caller's own bus by name at once (an ARN is no bus name: names hold no ":").
    found = ctx.resources.buses.get(name_or_arn or "default") or _find_bus(ctx, name_or_arn)
    if found.account != ctx.account:
        access.require(ctx, found, action)
    return found


def _find_bus(ctx: Context, name_or_arn: str | None) -> EventBus:
    account, region, name = arns.parse_bus(name_or_arn or "default")
    if account is None:  # a name, not an ARN: the caller's own bus
        found = ctx.resources.buses.get(name)
    else:
        state = existing_state(ctx, account, region or ctx.region)
        found = state.buses.get(name) if state is not None else None
    if found is None:
        raise bus_not_found(name)
    return found


def rule_on_bus(
    ctx: Context,
    name: str,
    bus_name_or_arn: str | None,
    *,
    action: str,
    pattern_text: str | None = None,
    keys: access.ConditionKeys | None = None,
) -> tuple[EventBus, Rule | None]:
    """The bus and its rule ``name`` (None if absent), on which the caller may do ``action``.

    On another account's bus the policy is asked about the rule's ARN, with the rule's creator
    and pattern (or ``pattern_text``, the pattern being put) and ``keys`` as condition keys.
    """
    event_bus = ctx.resources.buses.get(bus_name_or_arn or "default") or _find_bus(ctx, bus_name_or_arn)
    found = event_bus.rules.get(name)
    if event_bus.account != ctx.account:
        access.require_on_rule(ctx, event_bus, name, found, action, pattern_text=pattern_text, extra=keys)
    return event_bus, found


def rule(
    ctx: Context, name: str, bus_name_or_arn: str | None, *, action: str, keys: access.ConditionKeys | None = None
) -> Rule:
    """Like ``rule_on_bus``, for a rule that must exist (else ResourceNotFoundException)."""
    # rule_on_bus written out: one call fewer on most calls of the service.
    event_bus = ctx.resources.buses.get(bus_name_or_arn or "default") or _find_bus(ctx, bus_name_or_arn)
    found = event_bus.rules.get(name)
    if event_bus.account != ctx.account:
        access.require_on_rule(ctx, event_bus, name, found, action, extra=keys)
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
