"""Decorating with a scope: a context manager made afresh around each call of a function or test.

``mock_events`` and ``with_moto()`` decorate the same things the same way; this module holds how.
"""

from __future__ import annotations

import functools
import inspect
import unittest
from collections.abc import AsyncGenerator, Callable
from contextlib import AbstractContextManager
from typing import Any

Make = Callable[[], AbstractContextManager[Any]]

_ACTIVE = "_mock_events_scopes"  # on a test instance: the scopes its setup_method entered


def decorate(target: Any, make: Make) -> Any:
    """Run ``target`` (a function or class) inside a fresh ``make()`` scope.

    A coroutine function's scope stays open across its awaits; a generator's or async
    generator's from its first step until it finishes or is closed (as a ``with`` around its
    body would), so a decorated yield-style fixture keeps it open for the test it serves. A
    ``unittest.TestCase``: from before ``setUp`` until after the test's cleanups; a class with
    ``setup_method``: from before it until after ``teardown_method``; another class: each
    ``test*`` method.
    """
    if isinstance(target, type):
        return _decorate_class(target, make)
    return _decorate_function(target, make)


def _decorate_function(func: Any, make: Make) -> Any:
    if inspect.isasyncgenfunction(func):
        return _decorate_async_generator(func, make)

    if inspect.iscoroutinefunction(func):

        @functools.wraps(func)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            with make():
                return await func(*args, **kwargs)

        return run_async

    if inspect.isgeneratorfunction(func):

        @functools.wraps(func)
        def run_generator(*args: Any, **kwargs: Any) -> Any:
            with make():
                return (yield from func(*args, **kwargs))

        return run_generator

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        with make():
            return func(*args, **kwargs)

    return run


def _decorate_async_generator(func: Callable[..., AsyncGenerator[Any, Any]], make: Make) -> Any:
    @functools.wraps(func)
    async def run_async_generator(*args: Any, **kwargs: Any) -> AsyncGenerator[Any, Any]:
        # ``yield from`` for an async generator: values, asend(), athrow() and aclose() pass
        # through to ``func``'s generator while the scope is open.
        with make():
            generator = func(*args, **kwargs)
            try:
                item = await generator.__anext__()
                while True:
                    try:
                        sent = yield item
                    except GeneratorExit:  # aclose(): the finally closes func's generator
                        raise
                    except BaseException as error:  # thrown in by athrow(): func handles it
                        item = await generator.athrow(error)
                    else:
                        item = await generator.asend(sent)
            except StopAsyncIteration:
                return
            finally:
                await generator.aclose()

    return run_async_generator


def _decorate_class(cls: type, make: Make) -> type:
    if issubclass(cls, unittest.TestCase):
        original_setup = cls.setUp

        def setUp(test: unittest.TestCase) -> None:  # noqa: N802 - unittest's name
            scope = make()
            scope.__enter__()
            test.addCleanup(scope.__exit__, None, None, None)
            original_setup(test)

        cls.setUp = setUp  # type: ignore[method-assign]
        return cls
    if hasattr(cls, "setup_method"):
        return _decorate_setup_method(cls, make)
    for name, attr in list(vars(cls).items()):
        if name.startswith("test") and callable(attr):
            setattr(cls, name, _decorate_function(attr, make))
    return cls


def _decorate_setup_method(cls: type, make: Make) -> type:
    original_setup = cls.setup_method  # type: ignore[attr-defined]
    original_teardown = getattr(cls, "teardown_method", None)

    def setup_method(test: Any, method: Any = None) -> None:
        scope = make()
        scope.__enter__()
        test.__dict__.setdefault(_ACTIVE, []).append(scope)
        original_setup(test, method)

    def teardown_method(test: Any, method: Any = None) -> None:
        try:
            if original_teardown is not None:
                original_teardown(test, method)
        finally:
            test.__dict__[_ACTIVE].pop().__exit__(None, None, None)

    cls.setup_method = setup_method  # type: ignore[attr-defined]
    cls.teardown_method = teardown_method  # type: ignore[attr-defined]
    return cls
