"""The pytest plugin: the ``events_mock`` fixture."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .mock import EventsMock


@pytest.fixture
def events_mock() -> Iterator[EventsMock]:
    """A simulated EventBridge, active for one test, with empty state."""
    with EventsMock() as mock:
        yield mock
