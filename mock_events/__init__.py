"""mock-events: Amazon EventBridge simulated in-process for tests."""

from .delivery import Delivery, Failure
from .mock import EventsMock, mock_events
from .with_moto import MotoSwitch, with_moto

mock_events.with_moto = with_moto  # type: ignore[attr-defined]  # also as mock_events.with_moto()

__all__ = ["Delivery", "EventsMock", "Failure", "MotoSwitch", "mock_events", "with_moto"]
