"""An answer as botocore's JSON parser hands it to the caller: the parsed dict of a real call.

A success document (the dict a handler returns) is converted by a function built once per
output shape from botocore's model, doing what ``JSONParser`` does to the decoded body: members
in the shape's order under their model names, members without a value left out, lists and maps
copied, timestamps turned into ``datetime`` by the same timestamp parser, then
``ResponseMetadata`` (``RequestId``, ``HTTPStatusCode``, ``HTTPHeaders``, ``RetryAttempts``).
A shape holding anything else the parser treats specially (blobs, document types, tagged
unions, event streams, shapes that hold themselves, a type this module does not know) is left
to botocore's own parser, as are error documents. ``same_as_botocore`` compares the two ways of
parsing (the mock's ``check_responses`` runs it on every answer).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from datetime import datetime
from typing import Any

from botocore.model import OperationModel, Shape
from botocore.parsers import DEFAULT_TIMESTAMP_PARSER, JSONParser

__all__ = ["parse", "parser", "response_headers", "same_as_botocore"]

Convert = Callable[[Any], Any]


def timestamp(value: Any) -> Any:
    """What botocore's parser makes of a timestamp the mock answers: a datetime of the epoch
    seconds (a handler's datetime counts as those), in botocore's time zone."""
    if not isinstance(value, datetime):
        return DEFAULT_TIMESTAMP_PARSER(value)
    try:
        return DEFAULT_TIMESTAMP_PARSER(value.timestamp())
    except (ValueError, OverflowError, OSError):
        # Near the year 1 or 9999 the float (or the local time zone) leaves the calendar; AWS
        # answers to the millisecond, and in UTC the moment is still one.
        moment = value.replace(microsecond=value.microsecond // 1000 * 1000)
        try:
            return DEFAULT_TIMESTAMP_PARSER(moment.timestamp())
        except (ValueError, OverflowError, OSError):
            return moment


class _DecodedJSONParser(JSONParser):
    """botocore's JSON parser, handed the body already decoded (the dict we would have encoded)."""

    def _parse_body_as_json(self, body_contents: Any) -> Any:
        if isinstance(body_contents, dict):
            return body_contents
        return super()._parse_body_as_json(body_contents)


_parsers = threading.local()


def botocore_parse(
    operation_model: OperationModel, status: int, headers: dict[str, str], body: Any
) -> dict[str, Any]:
    """botocore's own parse of an answer (``body``: a success document, or error bytes)."""
    parser = getattr(_parsers, "json", None)
    if parser is None:
        parser = _parsers.json = _DecodedJSONParser(timestamp_parser=timestamp)
    parsed: dict[str, Any] = parser.parse(
        {"status_code": status, "headers": headers, "body": body}, operation_model.output_shape
    )
    parsed["ResponseMetadata"]["RetryAttempts"] = 0
    return parsed


class _Unsupported(Exception):
    """A shape whose parsing is left to botocore's parser."""


# The types JSONParser hands to a handler of its own; every other type it returns as decoded.
_CONVERTED_TYPES = {"structure", "list", "map", "timestamp"}
_KNOWN_IDENTITY_TYPES = {"string", "integer", "long", "boolean", "float", "double"}


def _converter(shape: Shape, within: frozenset[str]) -> Convert | None:
    """The conversion of a value of ``shape`` (None: the value as it is); ``within``: the
    structures around it."""
    type_name = shape.type_name
    if type_name not in _CONVERTED_TYPES:
        if type_name in _KNOWN_IDENTITY_TYPES and not hasattr(JSONParser, f"_handle_{type_name}"):
            return None
        raise _Unsupported(type_name)
    if type_name == "timestamp":
        return timestamp
    if type_name == "list":
        item = _converter(shape.member, within)
        if item is None:
            return list
        return lambda value: [None if v is None else item(v) for v in value]
    if type_name == "map":
        key, value_of = _converter(shape.key, within), _converter(shape.value, within)
        if key is None and value_of is None:
            return dict
        if key is not None or shape.value.type_name != "structure":
            raise _Unsupported("map of converted keys or values other than structures")
        return lambda value: {k: None if v is None else value_of(v) for k, v in value.items()}
    return _structure(shape, within)


# The headers of the mock's answers (lower-case names, as botocore's parser reads them), and the
# ResponseMetadata botocore's parser adds to a success (no retry was made), as Python source of
# ``request_id``: the compiled answers build them inline.
_HEADERS_SOURCE = '{"x-amzn-requestid": request_id, "content-type": "application/x-amz-json-1.1"}'
_METADATA_SOURCE = (
    f'{{"RequestId": request_id, "HTTPStatusCode": 200, "HTTPHeaders": {_HEADERS_SOURCE}, "RetryAttempts": 0}}'
)

response_headers: Callable[[str], dict[str, str]] = eval(f"lambda request_id: {_HEADERS_SOURCE}")  # noqa: S307
"""``response_headers(request_id)``: the headers of the mock's answers."""


def _structure(shape: Shape, within: frozenset[str], *, answer: bool = False) -> Convert:
    """The conversion of a structure, compiled to one function: each member in the shape's
    order, read by its wire name, left out without a value, converted where its shape says
    (the structures within it, and those listed, converted inline up to ``_INLINED_DEPTH``
    levels: a call costs more than the conversion it makes).

    ``answer``: the conversion of a whole success document, ``(document, request_id)`` to the
    parsed dict with its ``ResponseMetadata``.
    """
    namespace: dict[str, Any] = {}  # the member conversions the compiled function calls
    if answer:
        lines = ["def convert(value, request_id):"]
    else:
        lines = ["def convert(value):", "    if value is None:", "        return None"]
    lines += _indented(_members(shape, within, "value", "out", 0, namespace), 4)
    if answer:
        lines.append(f"    out['ResponseMetadata'] = {_METADATA_SOURCE}")
    lines.append("    return out")
    exec("\n".join(lines), namespace)  # noqa: S102 - our own source, from the model
    return namespace["convert"]  # type: ignore[no-any-return]


_INLINED_DEPTH = 2


def _indented(lines: list[str], by: int) -> list[str]:
    return [" " * by + line for line in lines]


def _members(
    shape: Shape, within: frozenset[str], source: str, target: str, depth: int, namespace: dict[str, Any]
) -> list[str]:
    """Statements that make the dict named ``target`` the conversion of the structure named
    ``source`` (not None); the names they use are numbered by ``depth``."""
    if shape.is_document_type or shape.is_tagged_union or shape.serialization.get("eventstream"):
        raise _Unsupported(shape.name)
    if shape.name in within:
        raise _Unsupported(f"{shape.name} holds itself")
    within |= {shape.name}
    x, v, get = f"x{depth}", f"v{depth}", f"get{depth}"
    lines = [f"{target} = {{}}", f"{get} = {source}.get"]
    for name, member in shape.members.items():
        key = member.serialization.get("name", name)
        lines += [f"{x} = {get}({key!r})", f"if {x} is not None:"]
        inline = depth < _INLINED_DEPTH
        if inline and member.type_name == "structure":
            inner = f"o{depth + 1}"
            lines += _indented(_members(member, within, x, inner, depth + 1, namespace), 4)
            lines.append(f"    {target}[{name!r}] = {inner}")
            continue
        each = member.member if member.type_name == "list" else None
        if inline and each is not None and each.type_name == "structure":
            inner = f"o{depth + 1}"
            lines += [f"    items{depth} = []", f"    for {v} in {x}:", f"        if {v} is None:",
                      f"            items{depth}.append(None)", "            continue"]
            lines += _indented(_members(each, within, v, inner, depth + 1, namespace), 8)
            lines += [f"        items{depth}.append({inner})", f"    {target}[{name!r}] = items{depth}"]
            continue
        convert_each = None if each is None else _converter(each, within)
        if convert_each is not None:
            # A list of converted items, converted here (a comprehension is a call of its own).
            namespace[f"_c{len(namespace)}"] = convert_each
            lines += [f"    items{depth} = []", f"    for {v} in {x}:",
                      f"        items{depth}.append(None if {v} is None else _c{len(namespace) - 1}({v}))",
                      f"    {target}[{name!r}] = items{depth}"]
            continue
        convert = _converter(member, within)
        if convert is not None:
            namespace[f"_c{len(namespace)}"] = convert
        item = x if convert is None else f"_c{len(namespace) - 1}({x})"
        lines.append(f"    {target}[{name!r}] = {item}")
    return lines


Parse = Callable[[dict[str, Any], str], dict[str, Any]]

_EMPTY_ANSWER: Parse = eval(f"lambda value, request_id: {{'ResponseMetadata': {_METADATA_SOURCE}}}")  # noqa: S307


def _output_converter(operation_model: OperationModel) -> Parse | None:
    shape = operation_model.output_shape
    if shape is None:
        return _EMPTY_ANSWER
    try:
        if shape.event_stream_name:
            raise _Unsupported(shape.name)
        return _structure(shape, frozenset(), answer=True)  # type: ignore[return-value]
    except _Unsupported:
        return None


_converters: weakref.WeakKeyDictionary[OperationModel, Parse | None] = weakref.WeakKeyDictionary()
_converters_lock = threading.Lock()


def parser(operation_model: OperationModel) -> Parse | None:
    """The parse of one operation's success, compiled once per model: ``(document,
    request_id)`` to the parsed dict, its ``ResponseMetadata.HTTPHeaders`` equal to
    ``response_headers(request_id)``. None where botocore's own parser must parse (the function
    holds nothing of the model, so a cache keyed weakly by the model may hold it)."""
    try:
        return _converters[operation_model]
    except KeyError:
        with _converters_lock:
            convert = _converters[operation_model] = _output_converter(operation_model)
        return convert


def parse(operation_model: OperationModel, document: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    """The parsed dict a real call gives for the success ``document`` with the response
    ``headers`` (lower-case names, ``x-amzn-requestid`` among them), as ``botocore_parse``."""
    answer = parser(operation_model)
    if answer is None:
        return botocore_parse(operation_model, 200, headers, document)
    parsed = answer(document, headers["x-amzn-requestid"])
    parsed["ResponseMetadata"]["HTTPHeaders"] = dict(headers)
    return parsed


def same_as_botocore(
    operation_model: OperationModel, document: dict[str, Any], headers: dict[str, str]
) -> str | None:
    """None when ``parse`` gives what botocore's parser gives for ``document``, else where they differ.

    Equal means equal types (and time zones), values and key order, at every depth.
    """
    ours = parse(operation_model, document, headers)
    theirs = botocore_parse(operation_model, 200, headers, document)
    return _difference(ours, theirs, operation_model.name)


def _difference(ours: Any, theirs: Any, path: str) -> str | None:
    if type(ours) is not type(theirs):
        return f"{path}: {type(ours).__name__} {ours!r}, botocore {type(theirs).__name__} {theirs!r}"
    if isinstance(ours, dict):
        if list(ours) != list(theirs):
            return f"{path}: keys {list(ours)}, botocore {list(theirs)}"
        for key in ours:
            found = _difference(ours[key], theirs[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(ours, list):
        if len(ours) != len(theirs):
            return f"{path}: {len(ours)} items, botocore {len(theirs)}"
        for i, (a, b) in enumerate(zip(ours, theirs)):
            found = _difference(a, b, f"{path}[{i}]")
            if found:
                return found
        return None
    if isinstance(ours, datetime):
        if (ours, type(ours.tzinfo), ours.utcoffset()) != (theirs, type(theirs.tzinfo), theirs.utcoffset()):
            return f"{path}: {ours!r}, botocore {theirs!r}"
        return None
    return None if ours == theirs else f"{path}: {ours!r}, botocore {theirs!r}"
