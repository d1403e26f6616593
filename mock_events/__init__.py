"""mock-events: Amazon EventBridge simulated in-process for tests."""

from .delivery import Delivery, Failure
from .mock import EventsMock, mock_events

__all__ = ["Delivery", "EventsMock", "Failure", "mock_events"]
