"""NextToken / Limit paging over a sorted list, as every EventBridge list operation pages."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from .errors import ServiceError

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 100


def page(
    items: Sequence[T],
    params: dict[str, Any],
    key: Callable[[T], str],
    *,
    limit_key: str = "Limit",
) -> tuple[list[T], str | None]:
    """The page of ``items`` (sorted by ``key``) that ``params`` asks for, and the next token.

    The token holds the key of the last item returned, so resources created or deleted between
    pages shift nothing. No token is returned after the last item (no trailing empty page).
    """
    limit = params.get(limit_key) or DEFAULT_PAGE_SIZE
    ordered = sorted(items, key=key)
    token = params.get("NextToken")
    if token is not None:
        after = _decode(token)
        ordered = [item for item in ordered if key(item) > after]
    chunk = ordered[:limit]
    next_token = _encode(key(chunk[-1])) if len(ordered) > limit else None
    return chunk, next_token


def _encode(after: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": after}).encode()).decode()


def _decode(token: str) -> str:
    try:
        after = json.loads(base64.urlsafe_b64decode(token.encode()))["after"]
    except Exception:
        after = None
    if not isinstance(after, str):
        raise ServiceError("InvalidToken", "The NextToken value is invalid.")
    return after


def with_token(response: dict[str, Any], token: str | None) -> dict[str, Any]:
    if token is not None:
        response["NextToken"] = token
    return response


def single_filter(operation: str, params: dict[str, Any]) -> None:
    """ListArchives and ListReplays take at most one of NamePrefix, EventSourceArn and State."""
    given = [k for k in ("NamePrefix", "EventSourceArn", "State") if params.get(k) is not None]
    if len(given) > 1:
        raise ServiceError(
            "ValidationException",
            f"At most one filter is allowed for {operation}. "
            "Use either : State, EventSourceArn, or NamePrefix.",
        )
