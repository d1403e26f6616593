"""TestEventPattern: whether an event matches a pattern, with AWS's checks of both."""

from __future__ import annotations

from typing import Any

from .. import patterns
from ..errors import validation
from ..service import Context, operation
from .rules import compile_pattern


@operation("TestEventPattern")
def test_event_pattern(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    pattern = compile_pattern(ctx, params["EventPattern"])
    try:
        event = patterns.validate_test_event(params["Event"])
    except ValueError:
        raise validation("Parameter Event is not valid.") from None
    return {"Result": pattern.matches(event)}
