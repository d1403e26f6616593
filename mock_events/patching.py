"""A method of botocore's or aiobotocore's client class replaced by a plain function of ours while
a mock is active, and put back.

Used for ``_make_api_call``, which runs on every call of every client: a plain function costs
about 20 ns a call over the method, a ``wrapt`` wrapper about 600 ns (measured on CPython 3.11),
which is most of what a mock may add to a call. Methods called rarely keep ``wrapt``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_MARK = "__mock_events_replaces__"


def replace(owner: type, name: str, make: Callable[[Any], Callable[..., Any]]) -> None:
    """``owner.name = make(original)``, unless a replacement of ours is already there.

    ``make(original)`` returns the function to install; it calls ``original`` (the method found
    on ``owner`` now, which may be another library's wrapper) to do the method's work.
    """
    original = owner.__dict__[name]
    if is_ours(original):
        return
    replacement = make(original)
    replacement.__wrapped__ = original  # type: ignore[attr-defined]
    setattr(replacement, _MARK, True)
    for attribute in ("__name__", "__qualname__", "__doc__"):
        setattr(replacement, attribute, getattr(original, attribute, None))
    setattr(owner, name, replacement)


def restore(owner: type, name: str) -> None:
    """Put back what ``replace`` replaced, if our replacement is still on top (a wrapper another
    library put over it since stays, with ours inside it: each replacement is written to pass
    calls straight through once the mock is gone)."""
    current = owner.__dict__.get(name)
    if is_ours(current):
        setattr(owner, name, current.__wrapped__)


def is_ours(value: Any) -> bool:
    """Whether ``value`` is a replacement installed by ``replace``."""
    return getattr(value, _MARK, False) is True
