"""Why a pattern matches an event or not: each branch, and the field that decided it.

The explanation reads the pattern in its own words (the JSON the rule was written with) and asks
the pattern engine itself about each field, through a pattern that holds that field alone, so an
explanation can never disagree with ``Pattern.matches``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .. import jsontext
from ._compiler import Compiler
from ._event import flatten

if TYPE_CHECKING:
    from . import Pattern

Path = tuple[str, ...]
_MISSING: list[Any] = []


@dataclass(frozen=True)
class FieldExplanation:
    """One field a branch of the pattern tests."""

    path: str
    """The field's path in the event, dotted (``detail.order.state``)."""
    asked: list[Any]
    """What the pattern asked there, in the pattern's own words (``[{"prefix": "ord"}]``)."""
    values: list[Any] | None
    """The event's values there (arrays flattened); None when the event has no such field."""
    matched: bool

    def __str__(self) -> str:
        had = "no such field" if self.values is None else _short(self.values if len(self.values) != 1 else self.values[0])
        verdict = "matched" if self.matched else "did not match"
        return f"{self.path}: asked {_short(self.asked)}, event had {had}: {verdict}"


@dataclass(frozen=True)
class BranchExplanation:
    """One alternative of the pattern (a pattern without ``$or`` has one)."""

    fields: tuple[FieldExplanation, ...]

    @property
    def matched(self) -> bool:
        return all(f.matched for f in self.fields)

    @property
    def deciding_field(self) -> FieldExplanation | None:
        """The first field that did not match (None when the branch matched)."""
        return next((f for f in self.fields if not f.matched), None)


@dataclass(frozen=True)
class Explanation:
    """Whether a pattern matches an event, and why: ``bool()`` is the match, ``str()`` a short text."""

    pattern: str
    branches: tuple[BranchExplanation, ...]

    @property
    def matched(self) -> bool:
        return any(b.matched for b in self.branches)

    def __bool__(self) -> bool:
        return self.matched

    @property
    def reasons(self) -> list[str]:
        """For a pattern that did not match: the deciding field of each branch, as text."""
        return [str(b.deciding_field) for b in self.branches if b.deciding_field is not None]

    def __str__(self) -> str:
        if self.matched:
            count = len(self.branches)
            which = next(i for i, b in enumerate(self.branches, 1) if b.matched)
            where = f" (branch {which} of {count})" if count > 1 else ""
            return f"matched{where}"
        if len(self.branches) == 1:
            return f"no match: {self.reasons[0]}"
        lines = [f"no match in any of {len(self.branches)} branches:"]
        lines += [f"  branch {i}: {b.deciding_field}" for i, b in enumerate(self.branches, 1)]
        return "\n".join(lines)


def explain(pattern: Pattern, event: dict[str, Any]) -> Explanation:
    branches = []
    for branch in _branches(json.loads(pattern.source)):
        fields = []
        for path, asked in branch:
            values = _values_at(event, path)
            fields.append(
                FieldExplanation(
                    path=".".join(path),
                    asked=asked,
                    values=values,
                    matched=_field_matches(path, json.dumps(asked), event),
                )
            )
        branches.append(BranchExplanation(tuple(fields)))
    return Explanation(pattern.source, tuple(branches))


def _branches(pattern: dict[str, Any]) -> list[list[tuple[Path, list[Any]]]]:
    """The pattern's alternatives, ``$or`` expanded: each a list of (path, what is asked there)."""

    def expand(node: dict[str, Any], prefix: Path) -> list[list[tuple[Path, list[Any]]]]:
        per_key: list[list[list[tuple[Path, list[Any]]]]] = []
        for key, value in node.items():
            if key == "$or" and isinstance(value, list):
                per_key.append([b for alternative in value for b in expand(alternative, prefix)])
            elif isinstance(value, dict):
                per_key.append(expand(value, (*prefix, key)))
            else:
                per_key.append([[((*prefix, key), value)]])
        return [[item for part in combo for item in part] for combo in product(*per_key)]

    return expand(pattern, ())


def _values_at(event: Any, path: Path) -> list[Any] | None:
    """The leaf values at ``path`` (arrays are transparent, as in matching); None if there are none."""
    nodes = [event]
    for key in path:
        found = []
        while nodes:
            node = nodes.pop()
            if isinstance(node, list):
                nodes.extend(node)
            elif isinstance(node, dict) and key in node:
                found.append(node[key])
        nodes = found[::-1]
    leaves: list[Any] = []
    while nodes:
        node = nodes.pop(0)
        if isinstance(node, list):
            nodes[:0] = node
        elif not isinstance(node, dict):
            leaves.append(node)
    return leaves or None


def _field_matches(path: Path, asked_json: str, event: dict[str, Any]) -> bool:
    flat = flatten(event)
    return any(all(test(flat.get(key)) for key, test in branch) for branch in _single_field_tests(path, asked_json))


@lru_cache(maxsize=1024)
def _single_field_tests(path: Path, asked_json: str) -> tuple[tuple[tuple[str, Callable[[Any], bool]], ...], ...]:
    """The compiled tests of a pattern that holds the one field ``path`` asking ``asked_json``."""
    text = asked_json
    for key in reversed(path):
        text = "{" + json.dumps(key) + ":" + text + "}"
    return tuple(tuple((key, field.finish()) for key, field in branch.items()) for branch in Compiler(text).run())


def _short(value: Any, limit: int = 80) -> str:
    text = jsontext.readable(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
