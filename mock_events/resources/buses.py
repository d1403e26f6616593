"""Event buses, their rules and the rules' targets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..clock import TimerSlot
from ..patterns import Pattern, RuleIndex

if TYPE_CHECKING:
    from ..schedule import Schedule
    from ..transform import TargetInput


@dataclass(eq=False)
class Target:
    """A target as PutTargets stored it (``spec``, the request's Target) and its compiled input."""

    spec: dict[str, Any]
    input: TargetInput

    @property
    def id(self) -> str:
        return self.spec["Id"]

    @property
    def arn(self) -> str:
        return self.spec["Arn"]


@dataclass(eq=False)
class Rule:
    name: str
    arn: str
    bus_name: str
    created_by: str
    state: str = "ENABLED"
    event_pattern: str | None = None
    pattern: Pattern | None = None
    schedule_expression: str | None = None
    schedule: Schedule | None = None
    description: str | None = None
    role_arn: str | None = None
    managed_by: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    targets: dict[str, Target] = field(default_factory=dict)
    schedule_anchor: datetime | None = None
    timer: TimerSlot = field(default_factory=TimerSlot)
    """The next fire of the rule's schedule."""
    created: int = 0
    """The rule's place in its backend's creation order (rules match in this order)."""

    @property
    def enabled(self) -> bool:
        return self.state != "DISABLED"

    @property
    def account(self) -> str:
        """The account that owns the rule's bus."""
        return self.arn.split(":", 5)[4]


@dataclass(eq=False)
class EventBus:
    name: str
    arn: str
    account: str
    region: str
    creation_time: datetime
    last_modified_time: datetime
    description: str | None = None
    kms_key_identifier: str | None = None
    dead_letter_config: dict[str, Any] | None = None
    log_config: dict[str, Any] | None = None
    policy: dict[str, Any] | None = None
    tags: dict[str, str] = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)
    index: RuleIndex = field(default_factory=RuleIndex)
    wildcard_rules: set[str] = field(default_factory=set)
    """The names of the rules whose patterns use wildcards (see ``Pattern.has_wildcards``)."""
    event_source_name: str | None = None

    def put_rule_pattern(self, rule: Rule) -> None:
        if rule.pattern is None:
            self.index.remove(rule.name)
        else:
            self.index.add(rule.name, rule.pattern)
        if rule.pattern is not None and rule.pattern.has_wildcards:
            self.wildcard_rules.add(rule.name)
        else:
            self.wildcard_rules.discard(rule.name)

    def remove_rule(self, rule: Rule) -> None:
        del self.rules[rule.name]
        self.index.remove(rule.name)
        self.wildcard_rules.discard(rule.name)
