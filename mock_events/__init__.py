"""mock-events: Amazon EventBridge simulated in-process for tests."""

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
