"""A method of botocore's or aiobotocore's client class replaced by a plain function of ours while
a mock is active, and put back.

Used for ``_make_api_call``, which runs on every call of every client: a plain function costs
about 20 ns a call over the method, a ``wrapt`` wrapper about 600 ns (measured on CPython 3.11),
which is most of what a mock may add to a call. Methods called rarely keep ``wrapt``.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable
from typing import Any

_MARK = "__mock_events_replaces__"


def replace(owner: type, name: str, make: Callable[[Any], Callable[..., Any]]) -> None:
    """``owner.name = make(original)``, unless a replacement of ours is already there.

    ``make(original)`` returns the function to install; it calls ``original(self, *args,
    **kwargs)`` to do the method's work. ``original`` calls what is found on ``owner`` now as an
    attribute look-up on the instance would: a plain function with ``self``, any other descriptor
    (another library's ``wrapt`` wrapper, as aws-xray-sdk and ddtrace put on ``_make_api_call``)
    bound to the instance first, a callable that is no descriptor (a ``unittest.mock`` patch)
    without ``self``. The replacement carries the original's name, documentation and signature
    (``__wrapped__``), as ``functools.wraps`` gives them.
    """
    original = owner.__dict__[name]
    if is_ours(original):
        return
    replacement = make(_caller(original))
    functools.update_wrapper(replacement, original, updated=())  # absent attributes are skipped
    setattr(replacement, _MARK, replacement)
    setattr(owner, name, replacement)


def _caller(original: Any) -> Callable[..., Any]:
    if type(original) is types.FunctionType:
        return original
    if hasattr(type(original), "__get__"):

        def bound(self: Any, *args: Any, **kwargs: Any) -> Any:
            return original.__get__(self, type(self))(*args, **kwargs)

        return bound

    def unbound(self: Any, *args: Any, **kwargs: Any) -> Any:
        return original(*args, **kwargs)

    return unbound


def restore(owner: type, name: str) -> None:
    """Put back what ``replace`` replaced, if our replacement is still on top (a wrapper another
    library put over it since stays, with ours inside it: each replacement is written to pass
    calls straight through once the mock is gone)."""
    current = owner.__dict__.get(name)
    if is_ours(current):
        setattr(owner, name, current.__wrapped__)


def is_ours(value: Any) -> bool:
    """Whether ``value`` is a replacement installed by ``replace`` itself: not another library's
    wrapper around one, although a ``wrapt`` proxy shows the attributes of what it wraps and
    ``functools.wraps`` copies them."""
    return type(value) is types.FunctionType and value.__dict__.get(_MARK) is value
