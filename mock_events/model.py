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
from typing import Any, NamedTuple

import botocore.session
from botocore.model import OperationModel, ServiceModel, Shape
from botocore.validate import ParamValidator

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


# -- the constraints of a shape, described once ---------------------------------------------------
# Each shape becomes a ``_Rules``: the tests its value's type must pass (failing one is a
# SerializationException: the service could not read the value) and the constraints the value
# must satisfy (each failure a line of the ValidationException), with AWS's wording. Both the fast
# check and the message walk below are built from these same tests, so they cannot disagree.

Test = Callable[[Any], Any]
"""A predicate on a value: truthy when the value passes."""


class _TypeTest(NamedTuple):
    passes: Test
    expected: str  # "Expected {expected} at '{path}'"


class _Constraint(NamedTuple):
    passes: Test
    wording: str  # "failed to satisfy constraint: {wording}"


class _Rules(NamedTuple):
    types: tuple[_TypeTest, ...]
    constraints: tuple[_Constraint, ...]


# The service reads integers as Java int and long.
_INT_BITS = {"integer": 32, "long": 64}


def _length_constraints(meta: dict[str, Any]) -> list[_Constraint]:
    out = []
    if "min" in meta:
        low = meta["min"]
        wording = f"Member must have length greater than or equal to {low}"
        out.append(_Constraint(lambda v: len(v) >= low, wording))
    if "max" in meta:
        high = meta["max"]
        wording = f"Member must have length less than or equal to {high}"
        out.append(_Constraint(lambda v: len(v) <= high, wording))
    return out


def _string_rules(shape: Shape) -> _Rules:
    meta = shape.metadata
    constraints = []
    if "pattern" in meta:
        pattern = meta["pattern"]
        constraints.append(
            _Constraint(
                _regex(pattern).fullmatch, f"Member must satisfy regular expression pattern: {pattern}"
            )
        )
    constraints += _length_constraints(meta)
    if shape.enum:
        shown = ", ".join(_AWS_ENUM_ORDER.get(shape.name, shape.enum))
        constraints.append(
            _Constraint(frozenset(shape.enum).__contains__, f"Member must satisfy enum value set: [{shown}]")
        )
    return _Rules((_TypeTest(lambda v: isinstance(v, str), "a string"),), tuple(constraints))


def _integer_rules(shape: Shape) -> _Rules:
    meta = shape.metadata
    bits = _INT_BITS[shape.type_name]
    smallest, largest = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    constraints = []
    if "min" in meta:
        low = meta["min"]
        wording = f"Member must have value greater than or equal to {low}"
        constraints.append(_Constraint(lambda v: v >= low, wording))
    if "max" in meta:
        high = meta["max"]
        wording = f"Member must have value less than or equal to {high}"
        constraints.append(_Constraint(lambda v: v <= high, wording))
    types = (
        _TypeTest(lambda v: isinstance(v, int) and not isinstance(v, bool), "an integer"),
        _TypeTest(lambda v: smallest <= v <= largest, f"a {bits}-bit integer"),
    )
    return _Rules(types, tuple(constraints))


def _type_only(test: Test, expected: str) -> Callable[[Shape], _Rules]:
    rules = _Rules((_TypeTest(test, expected),), ())
    return lambda shape: rules


def _container_rules(kind: type, expected: str) -> Callable[[Shape], _Rules]:
    def rules(shape: Shape) -> _Rules:
        types = (_TypeTest(lambda v: isinstance(v, kind), expected),)
        return _Rules(types, tuple(_length_constraints(shape.metadata)))

    return rules


_RULES: dict[str, Callable[[Shape], _Rules]] = {
    "string": _string_rules,
    "integer": _integer_rules,
    "long": _integer_rules,
    "boolean": _type_only(lambda v: isinstance(v, bool), "a boolean"),
    "timestamp": _type_only(
        lambda v: isinstance(v, (int, float, str)) and not isinstance(v, bool), "a timestamp"
    ),
    "list": _container_rules(list, "a list"),
    "map": _container_rules(dict, "a map"),
    "structure": _type_only(lambda v: isinstance(v, dict), "a structure"),
}
"""How each type of shape in the model is constrained, by ``Shape.type_name`` (botocore's
ParamValidator dispatches the same way). A type not listed here cannot be validated: building a
validator for a shape of that type fails rather than letting its values through unchecked."""


def _rules(shape: Shape) -> _Rules:
    describe = _RULES.get(shape.type_name)
    if describe is None:
        raise NotImplementedError(f"no validation for shapes of type {shape.type_name!r} ({shape.name})")
    return describe(shape)


class _Validator:
    """The check of one shape: ``ok`` (fast, True or False) and ``walk`` (AWS's messages).

    Both read the same ``_Rules``; the children of a list, map or structure are validators too.
    """

    __slots__ = ("shape", "rules", "ok", "member", "key", "value", "members", "required")

    def __init__(self, shape: Shape) -> None:
        self.shape = shape
        self.rules = _rules(shape)
        # Until _link sets the real check, ``ok`` defers to it (a recursive shape meets its own
        # validator while that is being built).
        self.ok: Test = lambda v: self.ok(v)
        self.member: _Validator | None = None
        self.key: _Validator | None = None
        self.value: _Validator | None = None
        self.members: dict[str, _Validator] = {}
        self.required: tuple[str, ...] = ()

    def walk(self, value: Any, path: str, out: _Violations) -> None:
        """Add a message to ``out`` for each constraint ``value`` breaks (in AWS's order); raise
        SerializationException for a value of the wrong type."""
        for test in self.rules.types:
            if not test.passes(value):
                raise ServiceError("SerializationException", f"Expected {test.expected} at '{path}'", 400)
        t = self.shape.type_name
        if t == "list":
            assert self.member is not None
            for i, item in enumerate(value, 1):
                if item is None:
                    out.add(None, f"{path}.{i}.member", "Member must not be null")
                else:
                    self.member.walk(item, f"{path}.{i}.member", out)
        elif t == "map":
            assert self.key is not None and self.value is not None
            for k, v in value.items():
                broken = self.key.broken(k)
                if broken:
                    wording = f"Map keys must satisfy constraint: [{', '.join(broken)}]"
                    out.add(value, path, wording, self.shape)
                if v is not None:
                    self.value.walk(v, f"{path}.{k}", out)
        elif t == "structure":
            prefix = f"{path}." if path else ""
            for name in self.required:
                if value.get(name) is None:
                    out.add(None, prefix + member_path(name), "Member must not be null")
            for name, item in value.items():
                member = self.members.get(name)
                if member is not None and item is not None:
                    member.walk(item, prefix + member_path(name), out)
        for constraint in self.rules.constraints:
            if not constraint.passes(value):
                out.add(value, path, constraint.wording, self.shape)

    def broken(self, value: Any) -> list[str]:
        """The wording of each constraint ``value`` breaks, a wrong type included."""
        for test in self.rules.types:
            if not test.passes(value):
                return [f"Expected {test.expected}"]
        return [c.wording for c in self.rules.constraints if not c.passes(value)]


def _all_pass(tests: tuple[Test, ...]) -> Test:
    """One predicate for several, in order, stopping at the first that fails."""
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        a, b = tests
        return lambda v: a(v) and b(v)
    if len(tests) == 3:
        a, b, c = tests
        return lambda v: a(v) and b(v) and c(v)
    if len(tests) == 4:
        a, b, c, d = tests
        return lambda v: a(v) and b(v) and c(v) and d(v)

    def check(v: Any) -> bool:
        for test in tests:
            if not test(v):
                return False
        return True

    return check


def _link(node: _Validator, memo: dict[str, _Validator]) -> None:
    """Build ``node``'s children and its fast check ``ok``: its own tests, then its children's."""
    shape = node.shape
    rules = node.rules
    own = _all_pass(tuple(t.passes for t in rules.types) + tuple(c.passes for c in rules.constraints))
    t = shape.type_name
    if t == "list":
        node.member = _validator(shape.member, memo)
        item_ok = node.member.ok

        def list_ok(v: Any) -> bool:
            if not own(v):
                return False
            for item in v:
                if item is None or not item_ok(item):
                    return False
            return True

        node.ok = list_ok
    elif t == "map":
        node.key = _validator(shape.key, memo)
        node.value = _validator(shape.value, memo)
        key_ok, value_ok = node.key.ok, node.value.ok

        def map_ok(v: Any) -> bool:
            if not own(v):
                return False
            for k, item in v.items():
                if not key_ok(k) or (item is not None and not value_ok(item)):
                    return False
            return True

        node.ok = map_ok
    elif t == "structure":
        node.members = {name: _validator(m, memo) for name, m in shape.members.items()}
        node.required = required = tuple(shape.required_members)
        members_ok = {name: member.ok for name, member in node.members.items()}

        def ok(v: Any) -> bool:
            if not own(v):
                return False
            for name in required:
                if v.get(name) is None:
                    return False
            for name, item in v.items():
                member_ok = members_ok.get(name)
                if member_ok is not None and item is not None and not member_ok(item):
                    return False
            return True

        node.ok = ok
    elif t == "string" and "pattern" in shape.metadata:
        node.ok = _remembering(own)
    else:
        node.ok = own


_REMEMBERED = 256
_REMEMBERED_LENGTH = 128


def _remembering(test: Test) -> Test:
    """``test``, answered from memory for the short strings that passed it lately: the names and
    ARNs of a suite recur call after call, and a set look-up costs less than a regular expression.
    Remembers at most _REMEMBERED strings of at most _REMEMBERED_LENGTH characters."""
    passed: set[str] = set()

    def ok(v: Any) -> Any:
        if type(v) is str and v in passed:
            return True
        if not test(v):
            return False
        if type(v) is str and len(v) <= _REMEMBERED_LENGTH and len(passed) < _REMEMBERED:
            passed.add(v)
        return True

    return ok


def _validator(shape: Shape, memo: dict[str, _Validator]) -> _Validator:
    key = f"{shape.type_name}:{shape.name}"
    node = memo.get(key)
    if node is None:
        node = memo[key] = _Validator(shape)
        _link(node, memo)
    return node


@functools.cache
def input_validator(operation: str) -> _Validator | None:
    """The validator of ``operation``'s input shape (None when it takes no input)."""
    shape = operation_model(operation).input_shape
    return None if shape is None else _validator(shape, {})


def violations(operation: str, params: Any) -> list[str]:
    """AWS's message for each constraint ``params`` break, in order (none when valid).

    Raises ``ServiceError`` (SerializationException) when a value has the wrong type.
    """
    node = input_validator(operation)
    if node is None:
        return []
    out = _Violations()
    node.walk(params, "", out)
    return out.items


def validate(operation: str, params: dict[str, Any]) -> None:
    """Raise AWS's ``ValidationException`` when ``params`` break the input shape of ``operation``.

    Raises ``ServiceError``: ValidationException listing every broken constraint, or
    SerializationException for a value of the wrong type.
    """
    node = input_validator(operation)
    if node is None or node.ok(params):
        return
    items = violations(operation, params)
    if not items:
        raise AssertionError(f"the fast check refused {operation} input that the walk accepts: {params!r}")
    n = len(items)
    noun = "error" if n == 1 else "errors"
    raise ServiceError("ValidationException", f"{n} validation {noun} detected: " + "; ".join(items))


class OutputShapeError(AssertionError):
    """A response that does not fit the operation's output shape (a bug of the mock)."""


# Minimums of the model constrain requests: AWS answers empty lists and strings where a request
# may not send them (ListTargetsByRule of a rule without targets answers "Targets": []).
_INPUT_ONLY = frozenset({"invalid length", "invalid range"})


def check_output(operation: str, result: dict[str, Any]) -> None:
    """Raise ``OutputShapeError`` unless botocore's ParamValidator accepts ``result`` as a value of
    the operation's output shape: types, required members, no unknown member (not minimums)."""
    shape = operation_model(operation).output_shape
    if shape is None:
        if result:
            raise OutputShapeError(f"{operation} has no output shape but answered {result!r}")
        return
    report = ParamValidator().validate(result, shape)
    # ValidationErrors keeps (reason, name, details) in _errors; it has no public filter.
    report._errors = [error for error in report._errors if error[0] not in _INPUT_ONLY]
    if report.has_errors():
        raise OutputShapeError(f"{operation} answered outside its output shape:\n{report.generate_report()}")
