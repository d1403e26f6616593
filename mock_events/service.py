"""The simulated service: its state (``Backend``), a call's ``Context``, and the handler registry."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from . import delivery
from .clock import Clock
from .delivery import DeliveryLog, Receiver, Step
from .ids import Ids
from .resources import RegionState

Handler = Callable[["Context", dict[str, Any]], dict[str, Any]]
T = TypeVar("T")

HANDLERS: dict[str, Handler] = {}


def operation(name: str) -> Callable[[Handler], Handler]:
    """Register the handler of the operation ``name`` (as the model names it)."""

    def register(handler: Handler) -> Handler:
        HANDLERS[name] = handler
        return handler

    return register


class Backend:
    """The state of one activation of the mock: every account and region, the clock, the logs."""

    def __init__(
        self,
        *,
        default_account: str,
        default_region: str,
        quotas: dict[str, int],
        clock: Clock | None = None,
        replay_mode: str = "immediate",
        ids: Ids | None = None,
    ) -> None:
        self.lock = threading.RLock()
        self.clock = clock or Clock()
        self.default_account = default_account
        self.default_region = default_region
        self.quotas = quotas
        self.replay_mode = replay_mode
        """``immediate``: a replay completes within StartReplay; ``clock``: it runs as the clock passes."""
        self.ids = ids or Ids()
        """Where this backend's ids and creation order numbers come from."""
        self.regions: dict[tuple[str, str], RegionState] = {}
        self.log = DeliveryLog()
        self.receiver: Receiver | None = None
        """Where deliveries to some targets are sent on, beside the log (moto's services)."""
        self.outbox: list[Step] = []
        """Deliveries decided under the lock and not yet made (see ``run``)."""
        self.retired = False
        """Set when ``m.reset()`` replaced this state: its deliveries not yet made are not made."""
        self._depth = 0

    def run(self, work: Callable[..., T], *args: Any) -> T:
        """``work(*args)`` under the lock, then the deliveries it decided, made outside the lock in order.

        User code (target callbacks) never runs under the lock. A ``run`` inside another leaves
        its deliveries to the outermost one. If ``work`` raises, the deliveries it decided are
        not made (a refused call changes nothing).
        """
        steps: list[Step] = []
        with self.lock:
            self._depth += 1
            try:
                result = work(*args)
            finally:
                self._depth -= 1
                if self._depth == 0 and self.outbox:
                    steps, self.outbox = self.outbox, []
        if steps:
            delivery.make(self, steps)
        return result

    def region(self, account: str, region: str) -> RegionState:
        key = (account, region)
        state = self.regions.get(key)
        if state is None:
            with self.lock:
                state = self.regions.get(key)
                if state is None:
                    state = RegionState(account, region, self.clock.now())
                    self.regions[key] = state
        return state


class Context:
    """Who is calling, and where: what a handler needs beside the request."""

    __slots__ = ("account", "backend", "region", "resources")

    resources: RegionState
    """The resources the calling account holds in the calling Region (created when first read)."""

    def __init__(self, backend: Backend, account: str, region: str) -> None:
        self.backend = backend
        self.account = account
        self.region = region
        found = backend.regions.get((account, region))
        if found is not None:  # else made by __getattr__ when first read
            self.resources = found

    def __getattr__(self, name: str) -> Any:
        # Only for a slot not set yet: the resources of an account and Region that hold none yet.
        if name != "resources":
            raise AttributeError(name)
        self.resources = found = self.backend.region(self.account, self.region)
        return found

    def __repr__(self) -> str:
        return f"Context(account={self.account!r}, region={self.region!r})"

    def now(self):  # noqa: ANN201 - datetime
        return self.backend.clock.now()
