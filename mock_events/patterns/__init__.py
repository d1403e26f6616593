"""EventBridge event patterns: compile them as AWS does, match events, index many rules."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .. import jsontext

from ._compiler import MAX_COMBINATIONS, Compiler, Field, check_limits
from ._event import flatten
from ._explain import BranchExplanation, Explanation, FieldExplanation, explain as _explain
from ._index import RuleIndex
from ._reader import Refusal

__all__ = [
    "BranchExplanation",
    "Explanation",
    "FieldExplanation",
    "MAX_PATTERN_LENGTH",
    "MAX_COMBINATIONS",
    "Pattern",
    "PatternError",
    "RuleIndex",
    "compile",
    "validate_test_event",
]

MAX_PATTERN_LENGTH = 2048

_PREFIX = "Event pattern is not valid. Reason: "


class PatternError(Exception):
    """A pattern AWS refuses. .message is the full AWS message ('Event pattern is not valid. Reason: ...'
    plus the location suffix where AWS gives one)."""

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message



class Pattern:
    """A compiled event pattern."""

    __slots__ = ("source", "_branches", "_fields", "has_wildcards")

    def __init__(self, source: str, branches: list[dict[str, Field]]) -> None:
        self.source = source
        self._fields = branches
        self.has_wildcards = any(field.tried_wildcards() for fields in branches for field in fields.values())
        """Whether the pattern uses ``wildcard``, alone or inside ``anything-but``: a rule that does
        counts against AWS's quota of rules containing wildcards per event bus (30, eb-quota)."""
        self._branches: tuple[tuple[tuple[str, Callable[[list[Any] | None], bool]], ...], ...] = tuple(
            tuple((path, f.finish()) for path, f in sorted(b.items(), key=_field_order))
            for b in branches
        )

    def matches(self, event: dict) -> bool:
        return self._matches_flat(flatten(event))

    def _matches_flat(self, flat: dict[str, list[Any]]) -> bool:
        get = flat.get
        for branch in self._branches:
            for path, test in branch:
                if not test(get(path)):
                    break
            else:
                return True
        return False

    def explain(self, event: dict) -> Explanation:
        """Whether this pattern matches ``event`` (an event envelope, as a dict) and why.

        For each branch (each ``$or`` alternative) the explanation gives every field the branch
        tests: its path, what the pattern asked there in its own words, the values the event had
        there (or none), and whether they matched. ``bool()`` of it is ``matches(event)``.
        """
        return _explain(self, event)

    def __repr__(self) -> str:
        return f"Pattern({self.source!r})"


def _field_order(item: tuple[str, Field]) -> tuple[int, int]:
    f = item[1]
    return (1 if (f.leaf or f.exists_false or f.exists_true) else 0, len(f.leaf))


def compile(pattern: str | dict, *, max_length: int = MAX_PATTERN_LENGTH) -> Pattern:  # noqa: A001
    """Compile an event pattern, raising PatternError with AWS's message when AWS would refuse it.

    ``max_length`` is the event pattern size quota (AWS's default: 2,048 characters).
    """
    try:
        if isinstance(pattern, str):
            text = pattern
        else:
            text = json.dumps(pattern, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError) as e:
        raise PatternError(f"{_PREFIX}{e}") from None
    if len(text) > max_length:
        raise PatternError(f"{_PREFIX}Event pattern length {len(text)} exceeds the maximum of "
                           f"{max_length} characters")
    try:
        branches = Compiler(text).run()
        check_limits(branches)
    except Refusal as e:
        raise PatternError(_PREFIX + e.reason) from None
    except RecursionError:
        raise PatternError(_PREFIX + "Document nesting depth exceeds the maximum allowed") from None
    return Pattern(text, branches)


def validate_test_event(event_text: str) -> dict:
    """TestEventPattern's Event check; raises ValueError when AWS answers 'Parameter Event is not valid.'

    The nesting limit is PutEvents' limit on a Detail, one level down in the event: so every event
    PutEvents delivers can be tested, and none it refuses."""
    try:
        event = jsontext.loads(event_text, max_depth=jsontext.MAX_DEPTH + 1)
    except jsontext.JSONTextError as e:
        raise ValueError(f"Event is not valid JSON: {e}") from None
    if not isinstance(event, dict):
        raise ValueError("Event is not a JSON object")
    missing = [k for k in ("id", "account", "source", "time", "region", "detail-type") if k not in event]
    if missing:
        raise ValueError(f"Event lacks {', '.join(missing)}")
    return event
