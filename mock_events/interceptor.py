"""Answers botocore and aiobotocore ``events`` calls in-process while a mock is active.

While at least one mock is active, ``BaseClient._make_api_call`` (and aiobotocore's
``AioBaseClient._make_api_call``, see ``aio``) is replaced (``patching``) so that each
``events`` client gets a ``before-call`` handler on its own event emitter (so clients created
before the mock started are answered too). The handler runs after the client has validated and serialized the request
and before it signs or sends anything; it returns the AWS JSON body as botocore's parser gives
it (``parsing``), so results and errors are exactly what a real call gives. aiobotocore's
emitter awaits a handler's result only when it is awaitable, so the same synchronous handler
serves both.
``events`` clients created while a mock is active get its Region and load no credentials
(see ``clients`` and ``aio``). The account of a call is that of an access key id already at
hand, never one loaded or refreshed for the purpose. With no mock active, nothing of ours is
left in botocore or aiobotocore.
"""

from __future__ import annotations

import json
import logging
import threading
import traceback
import weakref
from datetime import datetime
from typing import TYPE_CHECKING, Any

import botocore.client
from botocore.awsrequest import AWSResponse
from botocore.awsrequest import HeadersDict
from botocore.utils import get_encoding_from_headers

from . import aio, clients, jsontext, parsing, patching
from .model import SERVICE_NAME, OutputShapeError, check_output, input_validator, validate
from .errors import ServiceError, is_test_failure
from .dispatch import dispatch
from .service import HANDLERS, Context

if TYPE_CHECKING:
    from .mock import EventsMock

_EVENT = "before-call.eventbridge"
_UNIQUE_ID = "mock-events"
_log = logging.getLogger(__name__)

_active: list[EventsMock] = []
_starters: dict[EventsMock, threading.Thread] = {}
_state_lock = threading.RLock()
_emitters: weakref.WeakSet[Any] = weakref.WeakSet()



def active_mock() -> EventsMock | None:
    """The innermost active mock, which answers calls from every thread."""
    return _active[-1] if _active else None


def activate(mock: EventsMock) -> None:
    """Make ``mock`` the answering mock (nested mocks of one thread form a stack).

    Raises ``RuntimeError`` if a mock started by another thread is active: the answering mock
    is process-wide, so a second thread's mock would answer the first thread's calls too.
    """
    with _state_lock:
        current = threading.current_thread()
        if _active and _starters[_active[0]] is not current:
            raise RuntimeError(
                f"mock_events: cannot start a mock in thread {current.name!r} while a mock started "
                f"in thread {_starters[_active[0]].name!r} is active. One mock answers the calls of "
                "every thread of the process (so code under test may use thread pools); a mock "
                "started here would answer the other thread's calls too, and that thread's mock "
                "would see nothing. Start one mock for all threads, or stop the other one first."
            )
        if not _active:
            _install()
        _active.append(mock)
        _starters[mock] = current


def deactivate(mock: EventsMock) -> None:
    with _state_lock:
        if mock in _active:
            _active.remove(mock)
            del _starters[mock]
        if not _active:
            _uninstall()


def _install() -> None:
    global _installed
    _installed = True
    patching.replace(botocore.client.BaseClient, "_make_api_call", _noting_calls)
    clients.install(_answering_region)
    aio.install(_note_if_new, _answering_region)


def _answering_region() -> str | None:
    mock = active_mock()
    return None if mock is None else mock.region


def _uninstall() -> None:
    global _installed
    _installed = False
    patching.restore(botocore.client.BaseClient, "_make_api_call")
    clients.uninstall()
    aio.uninstall()
    for emitter in list(_emitters):
        emitter.unregister(_EVENT, unique_id=_UNIQUE_ID)
    _emitters.clear()
    _clients.clear()


_installed = False
"""Whether our replacement of ``_make_api_call`` notes clients (a replacement another library
wrapped over stays in place after the mock stops, and passes calls through)."""


def _noting_calls(original: Any) -> Any:
    """botocore's ``_make_api_call`` (``original``), first giving an ``events`` client not seen yet
    our handler."""

    def _make_api_call(self: Any, *args: Any, **kwargs: Any) -> Any:
        if _installed:  # _note_if_new(self), written out: it runs on every call
            seen = _clients.get(id(self))
            if seen is None or seen[0]() is not self:
                _note_client(self)
        return original(self, *args, **kwargs)

    return _make_api_call


def _note_if_new(client: Any) -> None:
    if _installed:
        seen = _clients.get(id(client))
        if seen is None or seen[0]() is not client:
            _note_client(client)


def _note_client(client: Any) -> None:
    """Give an ``events`` client our handler; remember every client seen (a dict look-up by
    identity per call costs less than a weak set's).

    Under the state lock, so that a mock stopping in another thread meanwhile either finds the
    handler in ``_emitters`` (and unregisters it) or stops before it (and nothing is noted): a
    handler registered after the mock stopped would stay, and a client remembered without its
    handler would go to AWS under the next mock."""
    emitter = client.meta.events
    is_events = client.meta.service_model.service_name == SERVICE_NAME
    with _state_lock:
        if not _installed:
            return
        if is_events and emitter not in _emitters:
            emitter.register(_EVENT, _answer_aio if aio.is_aio_client(client) else _answer, unique_id=_UNIQUE_ID)
            _emitters.add(emitter)
        _remember(_clients, client, is_events)


_clients: dict[int, tuple[weakref.ref[Any], bool]] = {}
"""Clients seen by ``_make_api_call`` since the mock was installed, by ``id``: a weak reference
(the id of a client that is gone may be another's) and whether it is an ``events`` client."""


def _remember(table: dict[int, tuple[weakref.ref[Any], Any]], key: Any, value: Any) -> None:
    """``table[id(key)] = (weak reference to key, value)``, the entry gone when ``key`` is."""
    ident = id(key)

    def forget(ref: weakref.ref[Any]) -> None:
        entry = table.get(ident)
        if entry is not None and entry[0] is ref:
            del table[ident]

    table[ident] = (weakref.ref(key, forget), value)


class _Operation:
    """What answering one operation of a client's model needs, looked up once per model."""

    __slots__ = ("answer", "check", "name")

    def __init__(self, model: Any) -> None:
        self.name: str = model.name
        validator = input_validator(self.name)
        self.check = None if validator is None else validator.ok
        """The fast check of the input (None: no input shape)."""
        self.answer = parsing.parser(model)
        """The parsed dict botocore would give for a success document and a request id (None:
        botocore's parser parses it)."""


_operations: dict[int, tuple[weakref.ref[Any], _Operation]] = {}


def _operation(model: Any) -> _Operation:
    entry = _operations.get(id(model))
    if entry is not None and entry[0]() is model:
        return entry[1]
    operation = _Operation(model)
    _remember(_operations, model, operation)
    return operation


def _answer(
    model: Any, params: dict[str, Any], request_signer: Any, context: dict[str, Any], **_: Any
) -> Any:
    try:
        mock = _active[-1]
    except IndexError:  # no mock active, or the last one stopped meanwhile in another thread
        return None
    backend = mock._backend
    request_id = backend.ids.uuid()
    # The common paths of _operation, the caller's account, the clock's catching up and
    # dispatch are written out: a call costs most in the cold context of a boto3 call.
    try:
        seen = _operations.get(id(model))
        operation = seen[1] if seen is not None and seen[0]() is model else _operation(model)
        request = _request_body(params.get("body"))
        check = operation.check
        if check is not None and not check(request):
            validate(operation.name, request)  # raises AWS's ValidationException
        clock = backend.clock
        if clock.timers:
            clock.run_due()
        key = clients.access_key_at_hand(getattr(request_signer, "_credentials", None))
        ctx = Context(
            backend,
            key if key and len(key) == 12 and key.isdigit() else mock.account_id,
            context.get("client_region") or mock.region,
        )
        handler = HANDLERS.get(operation.name)
        if handler is None:
            result = dispatch(ctx, operation.name, request)  # raises NotImplementedException
        else:
            result = backend.run(handler, ctx, request)
        if mock.check_responses:
            check_output(operation.name, result)
            difference = parsing.same_as_botocore(model, result, parsing.response_headers(request_id))
            if difference:
                raise OutputShapeError(f"the answer parsed unlike botocore's parser would: {difference}")
        if operation.answer is not None:
            parsed = operation.answer(result, request_id)
            # _Response(200, headers, result) without a call of __init__
            response = _new_response(_Response)
            response.__dict__ = {
                "status_code": 200, "_plain_headers": parsed["ResponseMetadata"]["HTTPHeaders"], "_document": result
            }
            return response, parsed
        headers = parsing.response_headers(request_id)
        return _Response(200, headers, result), parsing.botocore_parse(model, 200, headers, result)
    except ServiceError as error:
        return _error(model, error.status, error.code, error.message, request_id)
    except Exception as error:
        if is_test_failure(error):  # an assertion of the test's callback: the test fails
            raise
        # A bug of ours must still reach the caller as an AWS-shaped error.
        _log.exception("mock-events failed to answer %s", model.name)
        message = "mock-events internal error:\n" + traceback.format_exc()
        return _error(model, 500, "InternalException", message, request_id)


def _answer_aio(**kwargs: Any) -> Any:
    """``_answer`` for an aiobotocore client: its HTTP response's content and text are awaited."""
    answer = _answer(**kwargs)
    if answer is not None:
        answer[0].__class__ = _AioResponse
    return answer


_read_request = jsontext.reader(max_depth=None)


def _request_body(body: Any) -> dict[str, Any]:
    if not body:
        return {}
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
        # Strict JSON: botocore writes NaN and Infinity for float("nan") and float("inf").
        request = _read_request(text)
    except (ValueError, RecursionError) as error:
        raise ServiceError("SerializationException", str(error)) from None
    if not isinstance(request, dict):
        raise ServiceError("SerializationException", "Request body must be a JSON object.")
    if "null" in text or "\\u" in text:
        return _without_nulls(request)
    return request


def _without_nulls(value: Any) -> Any:
    """Members sent as JSON null dropped, as AWS reads them: a null member is an absent one.

    A string holding a lone surrogate (``"\\ud800"``) is no Unicode text: the request is refused.
    """
    if isinstance(value, dict):
        return {_text(k): _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    if isinstance(value, str):
        return _text(value)
    return value


def _text(value: str) -> str:
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ServiceError(
                "SerializationException", "Request body is not valid Unicode: lone surrogate in a string."
            ) from None
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"cannot serialize {type(value).__name__}")


_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=_json_default).encode


_new_response = object.__new__


class _Response(AWSResponse):
    """The HTTP response botocore sees; its body is encoded only if someone reads it."""

    url = "https://events.amazonaws.com/"
    raw = None
    _body: bytes | None = None

    def __init__(self, status_code: int, headers: dict[str, str], document: dict[str, Any]) -> None:
        self.status_code = status_code
        self._plain_headers = headers
        self._document = document

    @property
    def headers(self) -> HeadersDict:  # type: ignore[override]
        return HeadersDict(self._plain_headers)

    @property
    def content(self) -> bytes:
        if self._body is None:
            self._body = _encode(self._document).encode()
        return self._body


class _AioResponse(_Response):
    """The HTTP response an aiobotocore client sees: as aiobotocore's ``AioAWSResponse``, its
    content and text are awaited (an after-call handler writes ``await http_response.content``)."""

    @property
    def content(self) -> Any:  # type: ignore[override]
        return _awaitable(_Response.content.fget(self))  # type: ignore[attr-defined]

    @property
    def text(self) -> Any:  # type: ignore[override]
        body: bytes = _Response.content.fget(self)  # type: ignore[attr-defined]
        return _awaitable(body.decode(get_encoding_from_headers(self.headers) or "utf-8"))


async def _awaitable(value: Any) -> Any:
    return value


def _error(
    operation_model: Any, status: int, code: str, message: str, request_id: str
) -> tuple[AWSResponse, dict[str, Any]]:
    # Errors take botocore's full path from bytes (it inspects their raw body); rare, so no cost.
    document = {"__type": code, "message": message}
    headers = parsing.response_headers(request_id)
    parsed = parsing.botocore_parse(operation_model, status, headers, _encode(document).encode())
    return _Response(status, headers, document), parsed
