"""The simulated service: its state, the operation handlers, and dispatch to them."""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .clock import Clock
from .delivery import DeliveryLog, Receiver
from .errors import ServiceError
from .resources import RegionState

Handler = Callable[["Context", dict[str, Any]], dict[str, Any]]

HANDLERS: dict[str, Handler] = {}


def operation(name: str) -> Callable[[Handler], Handler]:
    """Register the handler of the operation ``name`` (as the model names it)."""

    def register(handler: Handler) -> Handler:
        HANDLERS[name] = handler
        return handler

    return register


def _load_operations() -> None:
    from . import operations

    for info in pkgutil.iter_modules(operations.__path__):
        importlib.import_module(f"{operations.__name__}.{info.name}")


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
    ) -> None:
        self.lock = threading.RLock()
        self.clock = clock or Clock()
        self.default_account = default_account
        self.default_region = default_region
        self.quotas = quotas
        self.replay_mode = replay_mode
        """``immediate``: a replay completes within StartReplay; ``clock``: it runs as the clock passes."""
        self.regions: dict[tuple[str, str], RegionState] = {}
        self.log = DeliveryLog()
        self.receiver: Receiver | None = None
        """Where deliveries to some targets are sent on, beside the log (moto's services)."""

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


@dataclass
class Context:
    """Who is calling, and where: what a handler needs beside the request."""

    backend: Backend
    account: str
    region: str

    @property
    def state(self) -> RegionState:
        return self.backend.region(self.account, self.region)

    def now(self):  # noqa: ANN201 - datetime
        return self.backend.clock.now()


def dispatch(ctx: Context, operation_name: str, params: dict[str, Any]) -> dict[str, Any]:
    """Run the handler of ``operation_name`` under the backend's lock."""
    handler = HANDLERS.get(operation_name)
    if handler is None:
        raise ServiceError(
            "NotImplementedException",
            f"mock-events does not simulate the operation {operation_name} yet.",
        )
    with ctx.backend.lock:
        return handler(ctx, params)


_load_operations()
