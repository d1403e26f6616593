"""Strict JSON text in and out, at any nesting depth, without touching the recursion limit.

Every JSON text a user gives (an event's Detail, TestEventPattern's Event, a target's Input, a
rendered input template, a bus policy) is read by :func:`loads`: RFC 8259 only, so ``NaN``,
``Infinity``, numbers too large for a double and strings holding a lone UTF-16 surrogate
(``"\\ud800"``, which no UTF-8 text can carry) are refused, as is anything nested deeper than
``max_depth``. Values are written by :func:`dumps`. Both use the C ``json`` module for the usual
shallow text and fall back to iterative code for deep text, so an event nested 1,000 levels
(the depth PutEvents accepts, per its API reference) travels everywhere without a RecursionError
and without ``sys.setrecursionlimit`` (process-wide, racy across threads).
"""

from __future__ import annotations

import functools
import json
import math
import re
from itertools import accumulate
from typing import Any, Callable

__all__ = ["MAX_DEPTH", "JSONTextError", "copy", "depth", "dumps", "loads", "readable", "reader"]

MAX_DEPTH = 1000
"""How deep PutEvents nests JSON ("PutEvents will only process nested JSON up to 1000 levels deep")."""

# Text nested at most this deep is left to the C parser and encoder (each level costs one
# recursion step of the interpreter's limit, 1,000 by default, shared with the caller's stack).
_C_DEPTH = 200

INT64 = (-(2**63), 2**63 - 1)
"""PutEvents' range of JSON integers, per its API reference."""


class JSONTextError(ValueError):
    """The text is not strict JSON (or is nested deeper than allowed)."""


def _refuse_constant(name: str) -> Any:
    raise JSONTextError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise JSONTextError(f"the number {text[:40]} is too large")
    return value


@functools.cache
def _decoder(int_range: tuple[int, int] | None) -> json.JSONDecoder:
    if int_range is None:
        return json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite)
    low, high = int_range

    def bounded(text: str) -> int:
        value = int(text)
        if not low <= value <= high:
            raise JSONTextError(f"the integer {text[:40]} is out of range")
        return value

    return json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite, parse_int=bounded)


_compact = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode

# Only a text holding such an escape can hold a lone surrogate.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_STRING_OR_OTHER = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[^\[\]{}"]+')
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1, '"': 0}


def depth(text: str) -> int:
    """How deep the JSON ``text`` nests arrays and objects (0 for a scalar), read without recursion."""
    brackets = _STRING_OR_OTHER.sub("", text)
    if not brackets:
        return 0
    return max(accumulate(map(_STEP.__getitem__, brackets)))


def loads(text: str, *, max_depth: int | None = MAX_DEPTH, int_range: tuple[int, int] | None = None) -> Any:
    """The value of the strict JSON ``text``; raise JSONTextError when it is not one.

    ``max_depth``: the deepest nesting accepted (None: any). ``int_range``: the integers
    accepted (None: any).
    """
    return _read(max_depth, _decoder(int_range), text)


def reader(*, max_depth: int | None = MAX_DEPTH, int_range: tuple[int, int] | None = None) -> Callable[[str], Any]:
    """``loads`` with these options, for a caller that reads many texts alike."""
    return functools.partial(_read, max_depth, _decoder(int_range))


def _read(max_depth: int | None, decoder: json.JSONDecoder, text: str) -> Any:
    if not isinstance(text, str):
        raise JSONTextError("not a text")
    # Fewer brackets than _C_DEPTH cannot nest deeper: the usual text is not scanned.
    nesting = depth(text) if len(text) > _C_DEPTH and text.count("[") + text.count("{") > _C_DEPTH else 0
    if max_depth is not None and nesting > max_depth:
        raise JSONTextError(f"nested deeper than {max_depth} levels")
    try:
        try:
            if nesting > _C_DEPTH:
                value = _decode_iteratively(text, decoder)
            else:
                # decoder.decode(text) without its Python layers where nothing surrounds the value
                try:
                    value, end = decoder.scan_once(text, 0)
                except StopIteration:
                    end = -1
                if end != len(text):
                    # Whitespace around the value, text after it, no value: the decoder's own
                    # answer and message (an error inside the value was already decode()'s).
                    value = decoder.decode(text)
        except RecursionError:  # shallow text, but the caller's stack was already deep
            value = _decode_iteratively(text, decoder)
    except JSONTextError:
        raise
    except ValueError as error:
        raise JSONTextError(str(error)) from None
    if "\\u" in text and _SURROGATE_ESCAPE.search(text) and _holds_lone_surrogate(value):
        raise JSONTextError("a string holds a lone surrogate")
    return value


def dumps(value: Any) -> str:
    """Compact JSON text of ``value`` (non-ASCII kept), at any depth; ValueError for NaN or Infinity."""
    try:
        return _compact(value)
    except RecursionError:
        return _encode_iteratively(value, _compact, _compact)


def readable(value: Any) -> str:
    """JSON text of ``value`` as ``json.dumps`` writes it for a reader (``", "``, ``": "``, non-ASCII
    kept); compact where it nests deeper than ``json.dumps`` reaches."""
    try:
        return json.dumps(value, ensure_ascii=False)
    except RecursionError:
        return dumps(value)


def copy(value: Any) -> Any:
    """A deep copy of a JSON value (dicts, lists and scalars), at any depth."""
    if type(value) is dict:
        top: Any = {}
    elif type(value) is list:
        top = []
    else:
        return value
    stack = [(value, top)]
    while stack:
        source, into = stack.pop()
        is_dict = type(into) is dict
        for key, item in _children(source):
            if type(item) is dict:
                child: Any = {}
                stack.append((item, child))
            elif type(item) is list:
                child = []
                stack.append((item, child))
            else:
                child = item
            if is_dict:
                into[key] = child
            else:
                into.append(child)
    return top


def render(value: Any, text_of_string: Callable[[str], str], text_of_key: Callable[[str], str]) -> str:
    """``value`` written as JSON is, with strings and keys written by the functions given (any depth)."""
    return _encode_iteratively(value, text_of_string, text_of_key)


# -- the iterative paths -------------------------------------------------------------------------


def _children(node: Any) -> Any:
    if type(node) is dict:
        return node.items()
    return enumerate(node)


def _scalars(value: Any) -> Any:
    """Every key and scalar inside ``value``."""
    stack = [value]
    while stack:
        node = stack.pop()
        if type(node) is dict:
            yield from node.keys()
            stack.extend(node.values())
        elif type(node) is list:
            stack.extend(node)
        else:
            yield node


def _holds_lone_surrogate(value: Any) -> bool:
    for item in _scalars(value):
        if type(item) is str and not item.isascii():
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
    return False


def _encode_iteratively(
    value: Any, text_of_string: Callable[[str], str], text_of_key: Callable[[str], str]
) -> str:
    parts: list[str] = []
    # Each frame: (iterator over the container's items, its closing bracket, is it a dict, first?,
    # the container, where its text starts in parts)
    stack: list[list[Any]] = []
    # The parts of each container already written, by identity: a value may hold one container in
    # several places (an InputPath's matches that nest one another), each written once, not each time.
    written: dict[int, tuple[Any, int, int]] = {}
    texts: dict[int, str] = {}
    node = value
    while True:
        if type(node) is dict or type(node) is list:
            done = written.get(id(node))
            if done is not None and done[0] is node:
                text = texts.get(id(node))
                if text is None:
                    texts[id(node)] = text = "".join(parts[done[1]:done[2]])
                parts.append(text)
            else:
                is_dict = type(node) is dict
                stack.append([iter(_children(node)), "}" if is_dict else "]", is_dict, True, node, len(parts)])
                parts.append("{" if is_dict else "[")
        elif type(node) is str:
            parts.append(text_of_string(node))
        else:
            parts.append(_compact(node))
        while stack:
            frame = stack[-1]
            item = next(frame[0], None)
            if item is None:
                parts.append(frame[1])
                stack.pop()
                written[id(frame[4])] = (frame[4], frame[5], len(parts))
                continue
            if not frame[3]:
                parts.append(",")
            frame[3] = False
            key, node = item
            if frame[2]:
                parts.append(text_of_key(str(key)) + ":")
            break
        else:
            return "".join(parts)


_TOKEN = re.compile(
    r'[ \t\n\r]*(?:(?P<punct>[{}\[\],:])|(?P<string>"(?:[^"\\]|\\.)*")'
    r"|(?P<scalar>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null))"
)
_BLANK = re.compile(r"[ \t\n\r]*")

_VALUE, _VALUE_OR_END, _KEY, _KEY_OR_END, _COLON, _AFTER, _DONE = range(7)


def _decode_iteratively(text: str, decoder: json.JSONDecoder) -> Any:
    """What ``decoder.decode(text)`` gives, read with an explicit stack (strings and numbers are
    still read by ``decoder``)."""
    stack: list[Any] = []
    keys: list[Any] = []
    root: Any = None
    state = _VALUE
    pos, end = 0, len(text)

    def fail(reason: str) -> JSONTextError:
        return JSONTextError(f"{reason} at character {pos}")

    while True:
        if state == _DONE:
            if _BLANK.match(text, pos).end() != end:  # type: ignore[union-attr]
                raise fail("extra data")
            return root
        match = _TOKEN.match(text, pos)
        if match is None:
            raise fail("unexpected text")
        pos = match.end()
        kind = match.lastgroup
        token = match.group(kind)  # type: ignore[arg-type]
        if state in (_VALUE, _VALUE_OR_END) or (state == _KEY_OR_END and token == "}"):
            if token in ("]", "}"):
                if (state == _VALUE_OR_END and token == "]") or (state == _KEY_OR_END and token == "}"):
                    stack.pop()
                    keys.pop()
                    state = _AFTER if stack else _DONE
                    continue
                raise fail("unexpected " + token)
            if kind == "punct" and token not in "[{":
                raise fail("expected a value")
            if token == "[" or token == "{":
                item: Any = [] if token == "[" else {}
            else:
                try:
                    item = decoder.decode(token)
                except JSONTextError:
                    raise
                except ValueError as error:
                    raise fail(str(error)) from None
            if not stack:
                root = item
            elif type(stack[-1]) is list:
                stack[-1].append(item)
            else:
                stack[-1][keys[-1]] = item
            if token == "[":
                stack.append(item)
                keys.append(None)
                state = _VALUE_OR_END
            elif token == "{":
                stack.append(item)
                keys.append(None)
                state = _KEY_OR_END
            else:
                state = _AFTER if stack else _DONE
        elif state in (_KEY, _KEY_OR_END):
            if kind != "string":
                raise fail("expected a key")
            keys[-1] = decoder.decode(token)
            state = _COLON
        elif state == _COLON:
            if token != ":":
                raise fail("expected ':'")
            state = _VALUE
        else:  # _AFTER
            top = stack[-1]
            if token == ",":
                state = _KEY if type(top) is dict else _VALUE
            elif token == ("}" if type(top) is dict else "]"):
                stack.pop()
                keys.pop()
                state = _AFTER if stack else _DONE
            else:
                raise fail("expected ',' or a closing bracket")
