"""ARNs of EventBridge resources, built and read as AWS writes them."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from types import MappingProxyType

_BUS_ARN = re.compile(
    r"arn:(?P<partition>aws[\w-]*):events:(?P<region>[^:]*):(?P<account>\d{12}):event-bus/(?P<name>.+)"
)
_ARN = re.compile(
    r"arn:(?P<partition>aws[\w-]*):(?P<service>[^:]+):(?P<region>[^:]*):(?P<account>[^:]*):(?P<resource>.+)"
)


def partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-iso-"):
        return "aws-iso"
    if region.startswith("us-isob-"):
        return "aws-iso-b"
    return "aws"


def arn(region: str, account: str, resource: str, service: str = "events") -> str:
    return f"arn:{partition(region)}:{service}:{region}:{account}:{resource}"


def bus_arn(region: str, account: str, name: str) -> str:
    return arn(region, account, f"event-bus/{name}")


def rule_arn(region: str, account: str, bus_name: str, rule_name: str) -> str:
    if bus_name == "default":
        return arn(region, account, f"rule/{rule_name}")
    return arn(region, account, f"rule/{bus_name}/{rule_name}")


@functools.lru_cache(maxsize=1024)  # a pure function of the text, read on most calls
def parse_bus(name_or_arn: str) -> tuple[str | None, str | None, str]:
    """(account, region, name) of a bus given by name (account and region None) or by ARN."""
    if not name_or_arn.startswith("arn:"):
        return None, None, name_or_arn
    m = _BUS_ARN.fullmatch(name_or_arn)
    if m is None:
        return None, None, name_or_arn
    return m["account"], m["region"], m["name"]


@functools.lru_cache(maxsize=1024)  # a pure function of the text, read on most calls
def parse(value: str) -> Mapping[str, str] | None:
    """The parts of any ARN (read-only): partition, service, region, account, resource; None if
    not an ARN."""
    m = _ARN.fullmatch(value)
    return MappingProxyType(m.groupdict()) if m else None
