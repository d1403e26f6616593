"""aiobotocore (and so aioboto3) ``events`` clients, served as botocore's are.

aiobotocore's ``AioBaseClient._make_api_call`` replaces botocore's without calling it, and its
``AioSession`` creates clients and loads credentials with coroutines of its own. While a mock is
active they are wrapped as ``interceptor`` and ``clients`` wrap botocore's: each ``events``
client's calls are answered by the before-call handler, and an ``events`` client created then
gets the answering mock's Region when none is configured, credentials loaded only when it first
signs (which the mock never lets it do), and no instance-metadata Region look-up. If aiobotocore
is imported only after a mock started, a finder on ``sys.meta_path`` (there only while a mock is
active) wraps it as ``aiobotocore.session`` finishes loading. ``uninstall`` takes it all away.
"""

from __future__ import annotations

import contextvars
import importlib.abc
import inspect
import sys
from collections.abc import Callable
from typing import Any

import botocore.credentials
import wrapt

from . import clients, patching
from .model import SERVICE_NAME

_SESSION_MODULE = "aiobotocore.session"
_UNLOADED = object()

_creating: contextvars.ContextVar[Any] = contextvars.ContextVar("mock_events_aio_creating", default=None)
"""The ``AioSession`` creating an ``events`` client in this task, if any."""

_note: Callable[[Any], None] | None = None
"""Gives a client not seen yet the mock's handler (None: no mock active)."""


def _no_region() -> str | None:
    return None


_region_of: Callable[[], str | None] = _no_region  # replaced by install()
_installed = False


def install(note: Callable[[Any], None], region_of: Callable[[], str | None]) -> None:
    """Wrap aiobotocore now if it is imported, else as soon as it is; ``note(client)`` is called
    before each call of a client."""
    global _note, _region_of, _installed
    _note, _region_of, _installed = note, region_of, True
    if _SESSION_MODULE in sys.modules:
        _wrap()
    elif _watcher not in sys.meta_path:
        sys.meta_path.insert(0, _watcher)


def uninstall() -> None:
    global _installed, _note
    _installed, _note = False, None
    if _watcher in sys.meta_path:
        sys.meta_path.remove(_watcher)
    if _SESSION_MODULE not in sys.modules:
        return
    from aiobotocore.client import AioBaseClient

    patching.restore(AioBaseClient, "_make_api_call")
    for owner, name in _targets():
        wrapper = owner.__dict__.get(name)
        if isinstance(wrapper, wrapt.FunctionWrapper):
            setattr(owner, name, wrapper.__wrapped__)


def _targets() -> list[tuple[type, str]]:
    """The methods wrapped with ``wrapt`` (``_make_api_call``, called far more often, is replaced
    by a plain function: see ``patching``)."""
    from aiobotocore.session import AioSession
    from aiobotocore.utils import AioIMDSRegionProvider

    return [
        (AioSession, "_create_client"),
        (AioSession, "get_credentials"),
        (AioIMDSRegionProvider, "provide"),
    ]


def _wrap() -> None:
    from aiobotocore.client import AioBaseClient

    patching.replace(AioBaseClient, "_make_api_call", _noting_calls)
    wrappers = [_create_client, _get_credentials, _imds_region]
    for (owner, name), wrapper in zip(_targets(), wrappers):
        if not isinstance(owner.__dict__.get(name), wrapt.FunctionWrapper):
            wrapt.wrap_function_wrapper(owner, name, wrapper)


def _noting_calls(original: Any) -> Any:
    """aiobotocore's ``_make_api_call`` (``original``), each client first noted."""

    async def _make_api_call(self: Any, *args: Any, **kwargs: Any) -> Any:
        note = _note
        if note is not None:
            note(self)
        return await original(self, *args, **kwargs)

    return _make_api_call


def is_aio_client(client: Any) -> bool:
    """Whether ``client`` is an aiobotocore client (whose HTTP responses' content and text are
    awaited, as aiobotocore's ``AioAWSResponse`` has them)."""
    module = sys.modules.get("aiobotocore.client")
    return module is not None and isinstance(client, module.AioBaseClient)


# -- client creation -------------------------------------------------------------------------------


def _create_client(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    bound = inspect.signature(wrapped).bind(*args, **kwargs)
    region = _region_of()
    if region is None or bound.arguments.get("service_name") != SERVICE_NAME:
        return wrapped(*args, **kwargs)  # not events, or no mock active (a wrapper left on top)
    arguments = dict(bound.arguments)
    if arguments.get("region_name") is None and not clients.region_configured(instance, arguments.get("config")):
        arguments["region_name"] = region

    async def create() -> Any:
        token = _creating.set(instance)
        try:
            return await wrapped(**arguments)
        finally:
            _creating.reset(token)

    return create()


def _get_credentials(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    if _creating.get() is instance and getattr(instance, "_credentials", None) is None:
        return _from_the_environment_or_deferred(instance)
    return wrapped(*args, **kwargs)


async def _from_the_environment_or_deferred(session: Any) -> Any:
    """The environment's keys where the session's chain starts with them, as aiobotocore takes
    them (reading environment variables is no I/O), else credentials loaded when first used."""
    providers = session.get_component("credential_provider").providers
    if providers and providers[0].METHOD == "env":
        loaded = await providers[0].load()
        if loaded is not None:
            return loaded
    return AioDeferredCredentials(session)


def _imds_region(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    if _creating.get() is not None:

        async def none() -> None:
            return None  # as on a host with no instance metadata

        return none()
    return wrapped(*args, **kwargs)


class AioDeferredCredentials(botocore.credentials.Credentials):
    """The credentials the ``AioSession`` would give a new client, loaded when first used to sign
    (aiobotocore's signer awaits ``get_frozen_credentials``); until then nothing is loaded."""

    def __init__(self, session: Any) -> None:  # no super(): nothing to store
        self._session = session
        self._loaded: Any = _UNLOADED

    async def _load(self) -> Any:
        if self._loaded is _UNLOADED:
            self._loaded = await self._session.get_credentials()
        return self._loaded

    async def get_frozen_credentials(self) -> Any:
        loaded = await self._load()
        return None if loaded is None else await loaded.get_frozen_credentials()

    async def _loaded_value(self, name: str) -> Any:
        loaded = await self._load()
        return None if loaded is None else getattr(loaded, name, None)

    # aiobotocore's asynchronous getters (an endpoint ruleset's AccountId reads get_account_id).
    async def get_access_key(self) -> Any:
        return await self._loaded_value("access_key")

    async def get_secret_key(self) -> Any:
        return await self._loaded_value("secret_key")

    async def get_token(self) -> Any:
        return await self._loaded_value("token")

    async def get_account_id(self) -> Any:
        return await self._loaded_value("account_id")

    def _stored(self, name: str) -> Any:
        loaded = self._loaded
        return None if loaded is _UNLOADED else getattr(loaded, name, None)

    # Read by code that does not sign (an endpoint ruleset's AccountId, say): what is loaded, if any.
    access_key = property(lambda self: self._stored("access_key"))  # type: ignore[assignment]
    secret_key = property(lambda self: self._stored("secret_key"))  # type: ignore[assignment]
    token = property(lambda self: self._stored("token"))  # type: ignore[assignment]
    account_id = property(lambda self: self._stored("account_id"))  # type: ignore[assignment]

    @property  # type: ignore[override]
    def method(self) -> str:
        loaded = self._loaded
        return "deferred" if loaded is _UNLOADED or loaded is None else str(loaded.method)

    def access_key_at_hand(self) -> str | None:
        """The key, if this client already loaded its credentials (it never does under a mock)."""
        loaded = self._loaded
        return None if loaded is _UNLOADED else clients.access_key_at_hand(loaded)


# -- aiobotocore imported while a mock is active -----------------------------------------------------


class _ImportWatcher(importlib.abc.MetaPathFinder):
    """Finds ``aiobotocore.session`` as the other finders do, with a loader that wraps once it ran."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != _SESSION_MODULE:
            return None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is self or find is None:
                continue
            spec = find(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        if spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = _WrappingLoader(spec.loader)
        return spec


class _WrappingLoader(importlib.abc.Loader):
    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def create_module(self, spec: Any) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self._loader.exec_module(module)
        if _installed:
            _wrap()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)


_watcher = _ImportWatcher()
