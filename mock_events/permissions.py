"""Event bus resource policies: the statements PutPermission writes, and what a policy allows."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from .resources import EventBus

POLICY_VERSION = "2012-10-17"


def statement(
    bus: EventBus, statement_id: str, action: str, principal: str, condition: dict[str, Any] | None
) -> dict[str, Any]:
    """The statement PutPermission adds, in AWS's shape."""
    who: Any = "*" if principal == "*" else {"AWS": f"arn:aws:iam::{principal}:root"}
    out: dict[str, Any] = {
        "Sid": statement_id,
        "Effect": "Allow",
        "Principal": who,
        "Action": action,
        "Resource": bus.arn,
    }
    if condition is not None:
        out["Condition"] = {condition["Type"]: {condition["Key"]: condition["Value"]}}
    return out


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@functools.lru_cache(maxsize=1024)
def _wildcard(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    """IAM's wildcards: ``*`` any run of characters, ``?`` any one character."""
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(body, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def _like(value: str, pattern: Any, *, ignore_case: bool = False) -> bool:
    return isinstance(pattern, str) and _wildcard(pattern, ignore_case).fullmatch(value) is not None


def _principal_matches(principal: Any, account: str) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, dict):
        principal = principal.get("AWS")
    for item in _as_list(principal):
        if item == "*" or item == account or item == f"arn:aws:iam::{account}:root":
            return True
    return False


def _action_matches(actions: Any, action: str) -> bool:
    # Action names are case-insensitive in IAM.
    return any(_like(action, a, ignore_case=True) for a in _as_list(actions))


def _resource_matches(resource: Any, arn: str) -> bool:
    if resource is None:
        return True
    return any(_like(arn, r) for r in _as_list(resource))


# Condition operators (IAM's), as (compare one request value with one policy value, negated).
_STRING_TESTS: dict[str, tuple[Callable[[str, str], bool], bool]] = {
    "stringequals": (lambda v, p: v == p, False),
    "stringnotequals": (lambda v, p: v == p, True),
    "stringequalsignorecase": (lambda v, p: v.lower() == p.lower(), False),
    "stringnotequalsignorecase": (lambda v, p: v.lower() == p.lower(), True),
    "stringlike": (lambda v, p: _like(v, p), False),
    "stringnotlike": (lambda v, p: _like(v, p), True),
    "arnequals": (lambda v, p: v == p, False),
    "arnnotequals": (lambda v, p: v == p, True),
    "arnlike": (lambda v, p: _like(v, p), False),
    "arnnotlike": (lambda v, p: _like(v, p), True),
}
_VARIABLE = re.compile(r"\$\{([^}]+)\}")


def _substitute(expected: str, keys: dict[str, list[str]]) -> str:
    """Policy variables such as ``${aws:PrincipalAccount}``, from the request's single values."""
    def value(m: re.Match[str]) -> str:
        found = keys.get(m.group(1).lower())
        return found[0] if found and len(found) == 1 else m.group(0)

    return _VARIABLE.sub(value, expected)


def _test_holds(operator: str, key: str, expected: Any, keys: dict[str, list[str]]) -> bool:
    op = operator.lower()
    qualifier = ""
    for prefix in ("forallvalues:", "foranyvalue:"):
        if op.startswith(prefix):
            qualifier, op = prefix[:-1], op[len(prefix):]
    if_exists = op.endswith("ifexists")
    if if_exists:
        op = op[: -len("ifexists")]
    values = keys.get(key.lower())
    wanted = [_substitute(e, keys) if isinstance(e, str) else e for e in _as_list(expected)]
    if op == "null":
        return any(str(w).lower() == ("true" if values is None else "false") for w in wanted)
    test = _STRING_TESTS.get(op)
    if test is None:
        return False  # an operator the mock does not evaluate is never met
    compare, negated = test
    if values is None:
        # An absent key meets ...IfExists, ForAllValues and the negated operators only.
        return if_exists or qualifier == "forallvalues" or negated

    def hit(value: str) -> bool:
        matched = any(isinstance(w, str) and compare(value, w) for w in wanted)
        return matched != negated

    if qualifier == "forallvalues":
        return all(hit(v) for v in values)
    if negated and not qualifier:
        return all(hit(v) for v in values)
    return any(hit(v) for v in values)


def _condition_holds(condition: Any, keys: dict[str, list[str]]) -> bool:
    if not condition:
        return True
    if not isinstance(condition, dict):
        return False
    for operator, tests in condition.items():
        if not isinstance(tests, dict):
            return False
        for key, expected in tests.items():
            if not _test_holds(operator, key, expected, keys):
                return False
    return True


Decision = Literal["Allow", "Deny", "ImplicitDeny"]


def evaluate(
    bus: EventBus,
    account: str,
    action: str = "events:PutEvents",
    resource: str | None = None,
    keys: dict[str, list[str]] | None = None,
) -> Decision:
    """What ``bus``'s resource policy says of ``account`` doing ``action`` on ``resource``.

    ``resource`` defaults to the bus's ARN; ``keys`` are the request's condition keys
    (``events:source``, ``events:creatorAccount``, ...), each with its values. An explicit Deny
    wins over any Allow; with neither, the request is implicitly denied. The mock models no AWS
    Organizations, so ``aws:PrincipalOrgID`` is never present.
    """
    if bus.policy is None:
        return "ImplicitDeny"
    arn = resource or bus.arn
    context = {k.lower(): v for k, v in (keys or {}).items()}
    context.setdefault("aws:principalaccount", [account])
    decision: Decision = "ImplicitDeny"
    for st in _as_list(bus.policy.get("Statement", [])):
        if not isinstance(st, dict):
            continue
        if not (
            _principal_matches(st.get("Principal"), account)
            and _action_matches(st.get("Action"), action)
            and _resource_matches(st.get("Resource"), arn)
            and _condition_holds(st.get("Condition"), context)
        ):
            continue
        if st.get("Effect") == "Deny":
            return "Deny"
        if st.get("Effect") == "Allow":
            decision = "Allow"
    return decision


def allows(
    bus: EventBus,
    account: str,
    action: str = "events:PutEvents",
    resource: str | None = None,
    keys: dict[str, list[str]] | None = None,
) -> bool:
    """Whether ``account`` may do ``action`` on ``bus``: its own account always may."""
    return account == bus.account or evaluate(bus, account, action, resource, keys) == "Allow"
