"""A plain-data copy of what one account holds in one region, for tests to read and compare."""

from __future__ import annotations

import copy
from dataclasses import asdict, is_dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .service import Backend


def _as_plain_data(value: Any) -> Any:
    if hasattr(value, "snapshot"):
        return value.snapshot()
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _as_plain_data(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {k: _as_plain_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_plain_data(v) for v in value]
    return copy.deepcopy(value)


def snapshot(backend: Backend, account: str, region: str) -> dict[str, Any]:
    """Buses (with rules and targets as their requests stored them) and every other resource."""
    with backend.lock:
        state = backend.region(account, region)
        buses = {}
        for bus in state.buses.values():
            rules = {}
            for rule in bus.rules.values():
                rules[rule.name] = {
                    "arn": rule.arn,
                    "state": rule.state,
                    "event_pattern": rule.event_pattern,
                    "schedule_expression": rule.schedule_expression,
                    "description": rule.description,
                    "role_arn": rule.role_arn,
                    "managed_by": rule.managed_by,
                    "tags": dict(rule.tags),
                    "targets": [copy.deepcopy(t.spec) for t in rule.targets.values()],
                }
            buses[bus.name] = {
                "arn": bus.arn,
                "description": bus.description,
                "kms_key_identifier": bus.kms_key_identifier,
                "dead_letter_config": copy.deepcopy(bus.dead_letter_config),
                "log_config": copy.deepcopy(bus.log_config),
                "policy": copy.deepcopy(bus.policy),
                "tags": dict(bus.tags),
                "rules": rules,
            }
        out: dict[str, Any] = {"event_buses": buses}
        for name in (
            "archives",
            "replays",
            "connections",
            "api_destinations",
            "endpoints",
            "partner_event_sources",
            "event_sources",
        ):
            out[name] = {key: _as_plain_data(value) for key, value in getattr(state, name).items()}
        return out
