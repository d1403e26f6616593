"""Scheduled rules: each enabled rule with a schedule keeps one timer on the mock's clock."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from . import delivery

if TYPE_CHECKING:
    from .resources import Rule
    from .service import Backend


def sync_rule(backend: Backend, rule: Rule, *, restart: bool) -> None:
    """Arm, re-arm or cancel the rule's timer after it was put, enabled, disabled or changed.

    A rate schedule counts its periods from when the rule was last put with a new schedule or
    enabled (``restart``); otherwise a rule that already has a timer keeps it.
    """
    if rule.schedule is None or not rule.enabled:
        rule.timer.cancel()
        return
    if not restart and rule.timer.armed:
        return
    now = backend.clock.now()
    rule.schedule_anchor = now
    _arm(backend, rule, now)


def _arm(backend: Backend, rule: Rule, after: datetime) -> None:
    assert rule.schedule is not None and rule.schedule_anchor is not None
    when = rule.schedule.next_fire(after, rule.schedule_anchor)
    if when is None:
        rule.timer.cancel()
        return

    def fire(due: datetime) -> None:
        try:
            fire_rule(backend, rule, due)
        finally:
            # Armed before the targets' callbacks run (after the lock is released): one that
            # disables, deletes or re-puts the rule cancels or replaces the next fire.
            _arm(backend, rule, due)

    schedule, anchor = rule.schedule, rule.schedule_anchor

    def count_until(limit: datetime) -> int:
        return schedule.count_fires(when, limit, anchor)

    rule.timer.arm(
        backend.clock, when, fire, run=backend.run,
        label=f"rule {rule.arn} ({rule.schedule_expression})", count_until=count_until,
    )


def fire_rule(backend: Backend, rule: Rule, due: datetime) -> None:
    """Deliver the "Scheduled Event" of ``rule`` at ``due`` to its targets."""
    region = rule.arn.split(":", 5)[3]
    event = delivery.envelope(
        event_id=backend.ids.uuid(),
        detail_type="Scheduled Event",
        source="aws.events",
        account=rule.account,
        time=due,
        region=region,
        resources=[rule.arn],
        detail={},
    )
    delivery.deliver_to_targets(backend, rule, event)
