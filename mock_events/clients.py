"""What an ``events`` client created while a mock is active gets, and what the mock reads of it.

Creating a botocore client resolves its region and credentials, and some credential providers
do I/O to resolve: STS assume-role (and its ``credential_source``), web identity, SSO, the
container and instance-metadata (IMDS) endpoints, ``credential_process``; ``defaults_mode =
auto`` asks IMDS for the Region the process runs in. While a mock is active, an ``events``
client created with no keys of its own gets the environment's keys where botocore's chain starts
with them, else credentials loaded only when it first signs a request (which the mock never lets
it do); it makes no IMDS Region look-up, and with no Region configured it gets the answering
mock's. Clients of every other service are created exactly as botocore creates them, and the
process environment is not touched.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from typing import Any

import botocore.session
import botocore.utils
import wrapt
from botocore.credentials import Credentials

from .model import SERVICE_NAME

_creating = threading.local()
"""``session``: the botocore session creating an ``events`` client in this thread, if any."""

_UNLOADED = object()


class DeferredCredentials(Credentials):
    """The credentials the session would give a new client, loaded when first used to sign.

    Loading is botocore's own (``Session.get_credentials``, cached on the session), so a client
    created under a mock and used after it stopped signs as it would have. Until then nothing is
    loaded, refreshed or fetched.
    """

    def __init__(self, session: botocore.session.Session) -> None:  # no super(): nothing to store
        self._session = session
        self._loaded: Any = _UNLOADED
        self._load_lock = threading.Lock()

    def _load(self) -> Credentials | None:
        with self._load_lock:
            if self._loaded is _UNLOADED:
                self._loaded = self._session.get_credentials()
            return self._loaded  # type: ignore[no-any-return]

    @property  # type: ignore[override]
    def access_key(self) -> str | None:
        return getattr(self._load(), "access_key", None)

    @property  # type: ignore[override]
    def secret_key(self) -> str | None:
        return getattr(self._load(), "secret_key", None)

    @property  # type: ignore[override]
    def token(self) -> str | None:
        return getattr(self._load(), "token", None)

    @property  # type: ignore[override]
    def account_id(self) -> str | None:
        return getattr(self._load(), "account_id", None)

    @property  # type: ignore[override]
    def method(self) -> str:
        loaded = self._loaded
        return "deferred" if loaded is _UNLOADED or loaded is None else loaded.method

    def get_frozen_credentials(self) -> Any:
        loaded = self._load()
        return None if loaded is None else loaded.get_frozen_credentials()

    def access_key_at_hand(self) -> str | None:
        """The key, if this client already loaded its credentials (it never does under a mock)."""
        loaded = self._loaded
        return None if loaded is _UNLOADED else access_key_at_hand(loaded)


def access_key_at_hand(credentials: Any) -> str | None:
    """The access key id a client's credentials hold now, never loading or refreshing them.

    A botocore ``RefreshableCredentials`` refreshes (STS, SSO, IMDS, a process...) when its
    ``access_key`` is read near or past expiry, so the stored attribute is read instead.
    """
    if credentials is None:
        return None
    if type(credentials) is DeferredCredentials:  # a client created under a mock
        loaded = credentials._loaded
        return None if loaded is _UNLOADED else access_key_at_hand(loaded)
    at_hand = getattr(credentials, "access_key_at_hand", None)  # deferred: botocore or aiobotocore session
    if at_hand is not None:
        return at_hand()  # type: ignore[no-any-return]
    stored = vars(credentials) if hasattr(credentials, "__dict__") else {}
    key = stored.get("access_key", stored.get("_access_key"))
    return key if isinstance(key, str) else None


_region_of: Callable[[], str | None] = lambda: None  # noqa: E731 - replaced by install()
_CREATE_CLIENT = inspect.signature(botocore.session.Session.create_client)


def install(region_of: Callable[[], str | None]) -> None:
    """Wrap botocore's client creation; ``region_of()`` gives the answering mock's Region, or
    None when no mock is active."""
    global _region_of
    _region_of = region_of
    wrapt.wrap_function_wrapper(botocore.session.Session, "create_client", _create_client)
    wrapt.wrap_function_wrapper(botocore.session.Session, "get_credentials", _get_credentials)
    wrapt.wrap_function_wrapper(botocore.utils.IMDSRegionProvider, "provide", _imds_region)


def uninstall() -> None:
    for owner, name in (
        (botocore.session.Session, "create_client"),
        (botocore.session.Session, "get_credentials"),
        (botocore.utils.IMDSRegionProvider, "provide"),
    ):
        wrapper = owner.__dict__.get(name)
        if isinstance(wrapper, wrapt.FunctionWrapper):
            setattr(owner, name, wrapper.__wrapped__)


def _create_client(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    bound = _CREATE_CLIENT.bind(instance, *args, **kwargs)
    region = _region_of()
    if region is None or bound.arguments.get("service_name") != SERVICE_NAME:
        return wrapped(*args, **kwargs)  # not events, or no mock active (a wrapper left on top)
    arguments = dict(bound.arguments)
    del arguments["self"]
    if arguments.get("region_name") is None and not region_configured(instance, arguments.get("config")):
        arguments["region_name"] = region
    previous = getattr(_creating, "session", None)
    _creating.session = instance
    try:
        return wrapped(**arguments)
    finally:
        _creating.session = previous


def region_configured(session: botocore.session.Session, config: Any) -> bool:
    """Whether a client of ``session`` created with ``config`` and no region_name has a Region."""
    for client_config in (config, session.get_default_client_config()):
        if client_config is not None and client_config.region_name is not None:
            return True
    return bool(session.get_config_variable("region"))


def _get_credentials(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    if getattr(_creating, "session", None) is instance and getattr(instance, "_credentials", None) is None:
        return _from_the_environment(instance) or DeferredCredentials(instance)
    return wrapped(*args, **kwargs)


def _from_the_environment(session: botocore.session.Session) -> Credentials | None:
    """The environment's keys where the session's chain starts with them, as botocore takes
    them (reading environment variables is no I/O); None where the chain goes further."""
    providers = session.get_component("credential_provider").providers
    if providers and providers[0].METHOD == "env":
        return providers[0].load()  # type: ignore[no-any-return]
    return None


def _imds_region(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    if getattr(_creating, "session", None) is not None:
        return None  # as on a host with no instance metadata: defaults_mode "auto" finds no Region
    return wrapped(*args, **kwargs)
