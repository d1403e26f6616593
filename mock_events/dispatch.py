"""Dispatch: a request to its operation's handler, run under the backend's lock."""

from __future__ import annotations

from typing import Any

from . import operations  # noqa: F401 - importing the handler modules registers every handler
from .errors import ServiceError
from .service import HANDLERS, Context


def dispatch(ctx: Context, operation_name: str, params: dict[str, Any]) -> dict[str, Any]:
    """Run the handler of ``operation_name`` under the backend's lock, then make its deliveries.

    Raises ``ServiceError`` (NotImplementedException) for an operation without a handler.
    """
    handler = HANDLERS.get(operation_name)
    if handler is None:
        raise ServiceError(
            "NotImplementedException",
            f"mock-events does not simulate the operation {operation_name} yet.",
        )
    return ctx.backend.run(handler, ctx, params)
