"""botocore's ``events`` service model, and request validation driven by it.

botocore checks only minimums on the client; AWS checks the rest on the server and answers
``ValidationException`` with messages such as
``1 validation error detected: Value 'x y' at 'targets.1.member.id' failed to satisfy
constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import botocore.session
from botocore.model import OperationModel, ServiceModel, Shape

from .errors import ServiceError

SERVICE_NAME = "events"

# Java regular expressions in the model that Python's ``re`` cannot read, written for Python.
# \p{L} and \p{N} are \w less "_"; \p{Z} is \s less the control characters \s also holds.
_JAVA_PATTERNS = {
    r"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$": r"(?:[\w.:/=+\-@]|(?![\t\n\x0b\x0c\r\x1c-\x1f\x85])\s)*",
}

# Enum value sets AWS prints in an order other than the model's, by shape name.
_AWS_ENUM_ORDER = {
    "ApiDestinationHttpMethod": ("HEAD", "POST", "PATCH", "DELETE", "PUT", "GET", "OPTIONS"),
}

# Members AWS prints in a structure's toString() that the public model does not hold.
_HIDDEN_MEMBERS = {"PutEventsRequestEntry": ("kmsKeyIdentifier", "internalMetadata")}


@functools.cache
def service_model() -> ServiceModel:
    """The ``events`` model installed beside botocore."""
    return botocore.session.get_session().get_service_model(SERVICE_NAME)


@functools.cache
def operation_model(name: str) -> OperationModel:
    return service_model().operation_model(name)


def member_path(name: str) -> str:
    """AWS's name for a member in messages: lower camel case."""
    return name[:1].lower() + name[1:]


@functools.cache
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(_JAVA_PATTERNS.get(pattern, pattern))


def _render(value: Any, shape: Shape | None = None) -> str:
    """A value as AWS's Java service prints it inside a message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        member = shape.member if shape is not None and shape.type_name == "list" else None
        return "[" + ", ".join(_render(v, member) for v in value) + "]"
    if isinstance(value, dict):
        if shape is not None and shape.type_name == "structure":
            parts = [
                f"{member_path(n)}={_render(value.get(n), s)}" for n, s in shape.members.items()
            ]
            parts += [f"{n}=null" for n in _HIDDEN_MEMBERS.get(shape.name, ())]
            return f"{shape.name}({', '.join(parts)})"
        return "{" + ", ".join(f"{k}={_render(v)}" for k, v in value.items()) + "}"
    return str(value)


class _Violations:
    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, value: Any, path: str, constraint: str, shape: Shape | None = None) -> None:
        shown = "null" if value is None else f"'{_render(value, shape)}'"
        self.items.append(
            f"Value {shown} at '{path}' failed to satisfy constraint: {constraint}"
        )


# The service reads integers as Java int and long.
_INT_BITS = {"integer": 32, "long": 64}
_INT_RANGE = {t: (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) for t, bits in _INT_BITS.items()}


def _type_error(path: str, expected: str) -> ServiceError:
    return ServiceError(
        "SerializationException", f"Expected {expected} at '{path}'", 400
    )


def _check(shape: Shape, value: Any, path: str, out: _Violations) -> None:
    t = shape.type_name
    meta = shape.metadata
    if t == "string":
        if not isinstance(value, str):
            raise _type_error(path, "a string")
        pattern = meta.get("pattern")
        if pattern is not None and not _regex(pattern).fullmatch(value):
            out.add(value, path, f"Member must satisfy regular expression pattern: {pattern}")
        _check_length(meta, len(value), value, path, out, shape)
        enum = shape.enum
        if enum and value not in enum:
            shown = _AWS_ENUM_ORDER.get(shape.name, enum)
            out.add(value, path, f"Member must satisfy enum value set: [{', '.join(shown)}]")
    elif t in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise _type_error(path, "an integer")
        if not _INT_RANGE[t][0] <= value <= _INT_RANGE[t][1]:
            raise _type_error(path, f"a {_INT_BITS[t]}-bit integer")
        if "min" in meta and value < meta["min"]:
            out.add(value, path, f"Member must have value greater than or equal to {meta['min']}")
        if "max" in meta and value > meta["max"]:
            out.add(value, path, f"Member must have value less than or equal to {meta['max']}")
    elif t == "boolean":
        if not isinstance(value, bool):
            raise _type_error(path, "a boolean")
    elif t == "timestamp":
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise _type_error(path, "a timestamp")
    elif t == "list":
        if not isinstance(value, list):
            raise _type_error(path, "a list")
        member = shape.member
        for i, item in enumerate(value, 1):
            if item is None:
                out.add(None, f"{path}.{i}.member", "Member must not be null")
                continue
            _check(member, item, f"{path}.{i}.member", out)
        _check_length(meta, len(value), value, path, out, shape)
    elif t == "map":
        if not isinstance(value, dict):
            raise _type_error(path, "a map")
        key_shape, value_shape = shape.key, shape.value
        for k, v in value.items():
            key_out = _Violations()
            _check(key_shape, k, path, key_out)
            if key_out.items:
                constraints = ", ".join(item.split("constraint: ", 1)[1] for item in key_out.items)
                out.add(value, path, f"Map keys must satisfy constraint: [{constraints}]", shape)
            if v is not None:
                _check(value_shape, v, f"{path}.{k}", out)
        _check_length(meta, len(value), value, path, out, shape)
    elif t == "structure":
        if not isinstance(value, dict):
            raise _type_error(path, "a structure")
        members = shape.members
        prefix = f"{path}." if path else ""
        for name in shape.required_members:
            if value.get(name) is None:
                out.add(None, prefix + member_path(name), "Member must not be null")
        for name, item in value.items():
            member = members.get(name)
            if member is None or item is None:
                continue
            _check(member, item, prefix + member_path(name), out)


def _check_length(
    meta: dict[str, Any], length: int, value: Any, path: str, out: _Violations, shape: Shape
) -> None:
    if "min" in meta and length < meta["min"]:
        out.add(value, path, f"Member must have length greater than or equal to {meta['min']}", shape)
    if "max" in meta and length > meta["max"]:
        out.add(value, path, f"Member must have length less than or equal to {meta['max']}", shape)


Check = Callable[[Any], bool]


def _compile_check(shape: Shape, memo: dict[str, Check]) -> Check:
    """A predicate that is True when a value breaks none of ``shape``'s constraints."""
    key = f"{shape.type_name}:{shape.name}"
    if key in memo:
        return memo[key]
    cell: list[Check] = []
    memo[key] = lambda value: cell[0](value)  # recursive shapes resolve through the cell
    meta = shape.metadata
    low, high = meta.get("min"), meta.get("max")
    t = shape.type_name
    check: Check
    if t == "string":
        regex = _regex(meta["pattern"]).fullmatch if "pattern" in meta else None
        enum = frozenset(shape.enum) if shape.enum else None

        def check(value: Any) -> bool:
            return (
                isinstance(value, str)
                and (low is None or len(value) >= low)
                and (high is None or len(value) <= high)
                and (regex is None or regex(value) is not None)
                and (enum is None or value in enum)
            )
    elif t in ("integer", "long"):

        smallest, largest = _INT_RANGE[t]

        def check(value: Any) -> bool:
            return (
                type(value) is int
                and smallest <= value <= largest
                and (low is None or value >= low)
                and (high is None or value <= high)
            )
    elif t == "boolean":

        def check(value: Any) -> bool:
            return isinstance(value, bool)
    elif t == "timestamp":

        def check(value: Any) -> bool:
            return isinstance(value, (int, float, str)) and not isinstance(value, bool)
    elif t == "list":
        item_check = _compile_check(shape.member, memo)

        def check(value: Any) -> bool:
            return (
                isinstance(value, list)
                and (low is None or len(value) >= low)
                and (high is None or len(value) <= high)
                and all(item is not None and item_check(item) for item in value)
            )
    elif t == "map":
        key_check = _compile_check(shape.key, memo)
        value_check = _compile_check(shape.value, memo)

        def check(value: Any) -> bool:
            return (
                isinstance(value, dict)
                and (low is None or len(value) >= low)
                and (high is None or len(value) <= high)
                and all(key_check(k) and (v is None or value_check(v)) for k, v in value.items())
            )
    else:
        members = {name: _compile_check(m, memo) for name, m in shape.members.items()}
        required = tuple(shape.required_members)

        def check(value: Any) -> bool:
            if not isinstance(value, dict):
                return False
            for name in required:
                if value.get(name) is None:
                    return False
            for name, item in value.items():
                member = members.get(name)
                if member is not None and item is not None and not member(item):
                    return False
            return True
    cell.append(check)
    memo[key] = check
    return check


@functools.cache
def _input_check(operation: str) -> Check | None:
    shape = operation_model(operation).input_shape
    return None if shape is None else _compile_check(shape, {})


def validate(operation: str, params: dict[str, Any]) -> None:
    """Raise AWS's ``ValidationException`` when ``params`` break the input shape of ``operation``."""
    check = _input_check(operation)
    if check is None or check(params):
        return
    shape = operation_model(operation).input_shape
    if not isinstance(params, dict):
        raise _type_error("", "a structure")
    out = _Violations()
    _check(shape, params, "", out)
    if out.items:
        n = len(out.items)
        noun = "error" if n == 1 else "errors"
        raise ServiceError(
            "ValidationException", f"{n} validation {noun} detected: " + "; ".join(out.items)
        )



class OutputShapeError(AssertionError):
    """A response that does not fit the operation's output shape (a bug of the mock)."""


_OUTPUT_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "float": (int, float),
    "double": (int, float),
    "list": (list,),
    "map": (dict,),
    "structure": (dict,),
}


def check_output(operation: str, result: dict[str, Any]) -> None:
    """Raise ``OutputShapeError`` unless ``result`` fits the output shape exactly (no extra keys)."""
    shape = operation_model(operation).output_shape
    if shape is None:
        if result:
            raise OutputShapeError(f"{operation} has no output shape but answered {result!r}")
        return
    _check_output(shape, result, operation)


def _check_output(shape: Shape, value: Any, path: str) -> None:
    from datetime import datetime

    t = shape.type_name
    if t == "timestamp":
        ok = isinstance(value, datetime) and value.tzinfo is not None
    else:
        ok = isinstance(value, _OUTPUT_TYPES[t]) and not (
            t in ("integer", "long") and isinstance(value, bool)
        )
    if not ok:
        raise OutputShapeError(f"{path}: {value!r} is not a {t} ({shape.name})")
    if t == "string" and shape.enum and value not in shape.enum:
        raise OutputShapeError(f"{path}: {value!r} is not one of {shape.enum}")
    if t == "list":
        for i, item in enumerate(value):
            _check_output(shape.member, item, f"{path}[{i}]")
    elif t == "map":
        for k, v in value.items():
            _check_output(shape.key, k, f"{path}.<key>")
            _check_output(shape.value, v, f"{path}.{k}")
    elif t == "structure":
        extra = set(value) - set(shape.members)
        if extra:
            raise OutputShapeError(f"{path}: members not in {shape.name}: {sorted(extra)}")
        for name in shape.required_members:
            if name not in value:
                raise OutputShapeError(f"{path}: required member {name} missing")
        for name, item in value.items():
            if item is None:
                raise OutputShapeError(f"{path}.{name}: null")
            _check_output(shape.members[name], item, f"{path}.{name}")
