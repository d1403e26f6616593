"""The switch for suites written for moto: every activation of moto's ``mock_aws`` also answers
EventBridge with mock-events, deliveries sent into moto.

While a ``with_moto()`` scope is open (or the pytest option ``mock_events_with_moto`` is on),
``moto.core.models.MockAWS.start`` and ``stop`` are wrapped: when moto becomes active (its
activations nest; the outermost counts) one ``EventsMock`` starts, and when moto becomes
inactive it stops. Its state follows moto's lifecycle: ``start(reset=False)`` keeps what the
previous activation left (so what a ``setUp`` under ``@mock_aws`` created is there in the test),
``stop(remove_data=True)`` forgets it. With no scope open, nothing of ours is left in moto.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import Any

import wrapt

from . import scopes
from .mock import EventsMock

__all__ = ["MotoSwitch", "with_moto"]

_lock = threading.RLock()
_switches: list[MotoSwitch] = []
_shared: EventsMock | None = None


def _mock_aws_class() -> Any:
    try:
        from moto.core.models import MockAWS
    except ImportError:
        raise RuntimeError("mock_events.with_moto() needs moto (pip install moto)") from None
    return MockAWS


def _moto_active(cls: Any) -> bool:
    return getattr(cls, "_nested_count", 0) > 0


def _start(reset: bool) -> None:
    """moto's outermost activation began: answer EventBridge, afresh unless ``reset`` is False."""
    global _shared
    if _shared is not None and _shared.active:
        return
    if _shared is None or reset:
        _shared = _switches[-1].new_mock()
        _shared.start()
    else:
        _shared.start(reset=False)


def _stop(remove_data: bool) -> None:
    """moto's outermost activation ended: stop answering; forget the state if moto does."""
    global _shared
    if _shared is None:
        return
    _shared.stop()
    if remove_data:
        _shared = None


def _wrapped_start(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    reset = kwargs.get("reset", args[0] if args else True)
    result = wrapped(*args, **kwargs)
    with _lock:
        if _switches and _moto_active(type(instance)):
            _start(bool(reset))
    return result


def _wrapped_stop(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    remove_data = kwargs.get("remove_data", args[0] if args else True)
    result = wrapped(*args, **kwargs)
    with _lock:
        if not _moto_active(type(instance)):
            _stop(bool(remove_data))
    return result


def _install(cls: Any) -> None:
    wrapt.wrap_function_wrapper(cls, "start", _wrapped_start)
    wrapt.wrap_function_wrapper(cls, "stop", _wrapped_stop)


def _uninstall(cls: Any) -> None:
    for name in ("start", "stop"):
        wrapper = cls.__dict__.get(name)
        if isinstance(wrapper, wrapt.FunctionWrapper):
            setattr(cls, name, wrapper.__wrapped__)


class MotoSwitch:
    """The scope in which moto's activations also start mock-events (see ``with_moto``)."""

    def __init__(self, options: Mapping[str, Any]) -> None:
        EventsMock(**options)  # options checked now, as mock_events() checks them
        self._options = dict(options)
        self._on = False

    def new_mock(self) -> EventsMock:
        options = dict(self._options)
        moto_account = os.environ.get("MOTO_ACCOUNT_ID", "")
        if "account_id" not in options and len(moto_account) == 12 and moto_account.isdigit():
            options["account_id"] = moto_account  # moto's resources are in that account
        return EventsMock(**options)

    @property
    def mock(self) -> EventsMock | None:
        """The mock that moto's activations started (None before the first one)."""
        return _shared

    def __enter__(self) -> MotoSwitch:
        cls = _mock_aws_class()
        with _lock:
            if self._on:
                raise RuntimeError("this with_moto() switch is already on")
            if not _switches:
                _install(cls)
            _switches.append(self)
            self._on = True
            if _moto_active(cls):
                _start(reset=True)
        return self

    def __exit__(self, *exc: object) -> None:
        cls = _mock_aws_class()
        with _lock:
            if not self._on:
                return
            self._on = False
            _switches.remove(self)
            if not _switches:
                _uninstall(cls)
                _stop(remove_data=True)

    def __call__(self, target: Any) -> Any:
        """Decorate a function or class: the switch is on around each call or test."""
        return scopes.decorate(target, self._fresh)

    def _fresh(self) -> MotoSwitch:
        return MotoSwitch(self._options)


def with_moto(**options: Any) -> MotoSwitch:
    """While on, every activation of moto's ``mock_aws`` also makes mock-events answer EventBridge.

    A context manager (``with with_moto():``) and a decorator of what ``@mock_events``
    decorates (functions, coroutine and generator functions, classes; a ``unittest.TestCase``
    from before ``setUp`` to after its cleanups). ``options`` are ``mock_events()``'s (``region``,
    ``account_id``, ``quotas``, ``replay_mode``, ``forward_to_moto``). Deliveries to targets of
    services moto simulates are sent into moto. Raises ``RuntimeError`` when moto is not
    installed. The pytest option ``mock_events_with_moto = true`` (or
    ``--mock-events-with-moto``) turns it on for a whole run.
    """
    return MotoSwitch(options)
