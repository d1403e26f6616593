"""Rules: PutRule, DescribeRule, DeleteRule, EnableRule, DisableRule, ListRules, ListRuleNamesByTarget."""

from __future__ import annotations

import functools
import operator
import sys
from typing import Any

from .. import arns, lookup, pagination, patterns, scheduler
from ..errors import ServiceError, limit_exceeded, validation
from ..resources import EventBus, Rule
from ..responses import project
from ..schedule import ScheduleError, parse as parse_schedule
from ..service import Context, operation
from .tags import tags_from_request

ENABLED_STATES = ("ENABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")


@functools.lru_cache(maxsize=4096)
def _compiled(text: str, max_length: int) -> patterns.Pattern:
    # Compiled patterns are immutable, so rules put with the same text share one.
    return patterns.compile(text, max_length=max_length)


def compile_pattern(ctx: Context, text: str, *, sized: bool = True) -> patterns.Pattern:
    """The compiled pattern, or AWS's InvalidEventPatternException.

    ``sized``: held to the event pattern size quota (False for a managed rule's pattern, derived
    from one the caller's request already held to it).
    """
    try:
        return _compiled(text, ctx.backend.quotas["event_pattern_size"] if sized else sys.maxsize)
    except patterns.PatternError as error:
        raise ServiceError("InvalidEventPatternException", error.message) from None


def describe(rule: Rule) -> dict[str, Any]:
    """The rule as DescribeRule answers it; ListRules answers a projection of it."""
    described = {"Name": rule.name, "Arn": rule.arn}
    # present() written out (DescribeRule and ListRules are hot): the members without a value left out.
    for member, value in (
        ("EventPattern", rule.event_pattern),
        ("ScheduleExpression", rule.schedule_expression),
        ("State", rule.state),
        ("Description", rule.description),
        ("RoleArn", rule.role_arn),
        ("ManagedBy", rule.managed_by),
        ("EventBusName", rule.bus_name),
        ("CreatedBy", rule.created_by),
    ):
        if value is not None:
            described[member] = value
    return described


def store_rule(
    ctx: Context,
    bus: EventBus,
    params: dict[str, Any],
    *,
    managed_by: str | None = None,
) -> Rule:
    """Create or wholly replace a rule on ``bus`` (targets and tags of an existing rule are kept)."""
    name = params["Name"]
    pattern_text = params.get("EventPattern")
    schedule_text = params.get("ScheduleExpression")
    if pattern_text is None and schedule_text is None:
        raise validation("Parameter(s) EventPattern or ScheduleExpression must be specified.")
    schedule = None
    if schedule_text is not None:
        if bus.name != "default":
            raise validation("ScheduleExpression is supported only on the default event bus.")
        try:
            schedule = parse_schedule(schedule_text)
        except ScheduleError:
            raise validation("Parameter ScheduleExpression is not valid.") from None
    pattern = (
        compile_pattern(ctx, pattern_text, sized=managed_by is None) if pattern_text is not None else None
    )
    existing = bus.rules.get(name)
    if existing is not None and managed_by is None and existing.managed_by is not None:
        lookup.refuse_managed(existing)
    if existing is None and len(bus.rules) >= ctx.backend.quotas["rules_per_event_bus"]:
        raise limit_exceeded()
    if (pattern is not None and pattern.has_wildcards and name not in bus.wildcard_rules
            and len(bus.wildcard_rules) >= ctx.backend.quotas["wildcard_rules_per_event_bus"]):
        raise limit_exceeded()
    state = params.get("State") or "ENABLED"
    if existing is None:
        rule = Rule(
            name=name,
            arn=arns.rule_arn(bus.region, bus.account, bus.name, name),
            bus_name=bus.name,
            created_by=ctx.account,
            created=ctx.backend.ids.serial(),
            tags=tags_from_request(ctx, params.get("Tags", [])),
        )
        bus.rules[name] = rule
    else:
        rule = existing
    restart = (
        existing is None
        or not existing.enabled
        or existing.schedule_expression != schedule_text
    )
    rule.event_pattern = pattern_text
    rule.pattern = pattern
    rule.schedule_expression = schedule_text
    rule.schedule = schedule
    rule.state = state
    rule.description = params.get("Description")
    rule.role_arn = params.get("RoleArn")
    rule.managed_by = managed_by
    bus.put_rule_pattern(rule)
    scheduler.sync_rule(ctx.backend, rule, restart=restart)
    return rule


@operation("PutRule")
def put_rule(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    bus, _ = lookup.rule_on_bus(
        ctx, params["Name"], params.get("EventBusName"),
        action="events:PutRule", pattern_text=params.get("EventPattern", ""),
    )
    rule = store_rule(ctx, bus, params)
    return {"RuleArn": rule.arn}


@operation("DescribeRule")
def describe_rule(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return describe(lookup.rule(ctx, params["Name"], params.get("EventBusName"), action="events:DescribeRule"))


def delete_rule(bus: EventBus, rule: Rule) -> None:
    bus.remove_rule(rule)
    rule.timer.cancel()


@operation("DeleteRule")
def delete_rule_operation(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    bus, rule = lookup.rule_on_bus(ctx, params["Name"], params.get("EventBusName"), action="events:DeleteRule")
    if rule is None:
        return {}
    lookup.refuse_managed(rule, force=bool(params.get("Force")))
    if rule.targets:
        raise validation("Rule can't be deleted since it has targets.")
    delete_rule(bus, rule)
    return {}


def _set_state(ctx: Context, params: dict[str, Any], state: str, action: str) -> dict[str, Any]:
    rule = lookup.rule(ctx, params["Name"], params.get("EventBusName"), action=action)
    lookup.refuse_managed(rule)
    was_enabled = rule.enabled
    rule.state = state
    if rule.enabled != was_enabled:
        scheduler.sync_rule(ctx.backend, rule, restart=True)
    return {}


@operation("EnableRule")
def enable_rule(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return _set_state(ctx, params, "ENABLED", "events:EnableRule")


@operation("DisableRule")
def disable_rule(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return _set_state(ctx, params, "DISABLED", "events:DisableRule")


@operation("ListRules")
def list_rules(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    bus = lookup.bus(ctx, params.get("EventBusName"), action="events:ListRules")
    prefix = params.get("NamePrefix")
    rules = [r for r in bus.rules.values() if r.name.startswith(prefix)] if prefix else list(bus.rules.values())
    chunk, token = pagination.page(rules, params, key=_name)
    listed = []
    for rule in chunk:
        listed.append(project(describe(rule), "ListRules", list_key="Rules"))
    return pagination.with_token({"Rules": listed}, token)


_name = operator.attrgetter("name")


@operation("ListRuleNamesByTarget")
def list_rule_names_by_target(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    bus = lookup.bus(ctx, params.get("EventBusName"), action="events:ListRuleNamesByTarget")
    arn = params["TargetArn"]
    names = [r.name for r in bus.rules.values() if any(t.arn == arn for t in r.targets.values())]
    chunk, token = pagination.page(names, params, key=lambda n: n)
    return pagination.with_token({"RuleNames": chunk}, token)
