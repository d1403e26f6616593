"""mock-events: Amazon EventBridge simulated in-process for tests.

The public API is what this package exports: ``mock_events()`` (decorator, context manager and
the handle ``EventsMock``), ``current_mock()``, ``with_moto()``, the records ``Delivery`` and
``Failure``, and the typed names ``ReplayMode`` and ``QuotaName``; with pytest, the
``events_mock`` fixture and the ``mock_events`` marker (``mock_events.plugin``). Every other
module is internal. README.md shows each in use.
"""

from .clock import ClockJumpWarning
from .delivery import Delivery, Failure
from .mock import EventsMock, ReplayMode, ShadowedMockWarning, current_mock, mock_events
from .quotas import QuotaName
from .with_moto import MotoSwitch, with_moto

mock_events.with_moto = with_moto  # type: ignore[attr-defined]  # also as mock_events.with_moto()

__all__ = [
    "ClockJumpWarning",
    "Delivery",
    "EventsMock",
    "Failure",
    "MotoSwitch",
    "QuotaName",
    "ReplayMode",
    "ShadowedMockWarning",
    "current_mock",
    "mock_events",
    "with_moto",
]
