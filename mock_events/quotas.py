"""AWS's service quotas that the mock enforces, by the names tests use to change them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

QuotaName = Literal[
    "event_buses",
    "rules_per_event_bus",
    "wildcard_rules_per_event_bus",
    "targets_per_rule",
    "event_pattern_size",
    "policy_size",
    "tags_per_resource",
    "active_replays",
    "connections",
    "api_destinations",
    "endpoints",
]
"""The names ``mock_events(quotas={...})`` accepts."""

DEFAULTS: dict[QuotaName, int] = {
    "event_buses": 100,
    "rules_per_event_bus": 300,
    # Not adjustable in AWS (eb-quota, "Rules containing wildcards"); a test may still raise it.
    "wildcard_rules_per_event_bus": 30,
    "targets_per_rule": 5,
    "event_pattern_size": 2048,
    "policy_size": 10240,
    "tags_per_resource": 50,
    "active_replays": 10,
    "connections": 3000,
    "api_destinations": 3000,
    "endpoints": 100,
}


def resolve(overrides: Mapping[QuotaName, int] | Mapping[str, int] | None) -> dict[str, int]:
    """AWS's defaults with ``overrides`` applied; unknown names are refused."""
    quotas: dict[str, int] = {name: value for name, value in DEFAULTS.items()}
    for name, value in (overrides or {}).items():
        if name not in DEFAULTS:
            known = ", ".join(sorted(DEFAULTS))
            raise ValueError(f"unknown quota {name!r}; known quotas: {known}")
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"quota {name!r} must be a non-negative integer, not {value!r}")
        quotas[name] = value
    return quotas
