"""botocore's ``events`` service model, and request validation driven by it.

botocore checks only minimums on the client; AWS checks the rest on the server and answers
``ValidationException`` with messages such as
``1 validation error detected: Value 'x y' at 'targets.1.member.id' failed to satisfy
constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+``.
"""

from __future__ import annotations

import functools
import itertools
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
# must satisfy (each failure a line of the ValidationException), with AWS's wording. Each test is
# a Python expression of the value: the message walk below evaluates each one alone, and the fast
# check of a shape is one function compiled from the same expressions, so they cannot disagree.

Test = Callable[[Any], Any]
"""A predicate on a value: truthy when the value passes."""

_NAMES: dict[str, Any] = {}
"""What the tests' expressions and the compiled checks name (bound by ``_bind``)."""
_serials = itertools.count()


def _bind(value: Any, prefix: str = "_c") -> str:
    """A fresh name for ``value`` among ``_NAMES``."""
    name = f"{prefix}{next(_serials)}"
    _NAMES[name] = value
    return name


class _Expression:
    """A test as Python source: ``text`` with ``{v}`` where the value goes; ``passes`` evaluates it."""

    __slots__ = ("passes", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.passes: Test = eval(f"lambda v: {self.of('v')}", _NAMES)  # noqa: S307 - our own source

    def of(self, value: str) -> str:
        """The expression testing the Python expression ``value``."""
        return "(" + self.text.format(v=value) + ")"


class _TypeTest(NamedTuple):
    test: _Expression
    expected: str  # "Expected {expected} at '{path}'"


class _Constraint(NamedTuple):
    test: _Expression
    wording: str  # "failed to satisfy constraint: {wording}"


class _Rules(NamedTuple):
    types: tuple[_TypeTest, ...]
    constraints: tuple[_Constraint, ...]

    def tests(self) -> list[_Expression]:
        """Every test, in the order the fast check runs them."""
        return [t.test for t in self.types] + [c.test for c in self.constraints]


# The service reads integers as Java int and long.
_INT_BITS = {"integer": 32, "long": 64}


def _length_constraints(meta: dict[str, Any]) -> list[_Constraint]:
    out = []
    if "min" in meta:
        low = int(meta["min"])
        out.append(_Constraint(_Expression(f"len({{v}}) >= {low}"), f"Member must have length greater than or equal to {low}"))
    if "max" in meta:
        high = int(meta["max"])
        out.append(_Constraint(_Expression(f"len({{v}}) <= {high}"), f"Member must have length less than or equal to {high}"))
    return out


def _string_rules(shape: Shape) -> _Rules:
    meta = shape.metadata
    constraints = []
    if "pattern" in meta:
        pattern = meta["pattern"]
        matches = _bind(_regex(pattern).fullmatch)
        constraints.append(
            _Constraint(_Expression(f"{matches}({{v}})"), f"Member must satisfy regular expression pattern: {pattern}")
        )
    constraints += _length_constraints(meta)
    if shape.enum:
        shown = ", ".join(_AWS_ENUM_ORDER.get(shape.name, shape.enum))
        values = _bind(frozenset(shape.enum))
        constraints.append(_Constraint(_Expression(f"{{v}} in {values}"), f"Member must satisfy enum value set: [{shown}]"))
    return _Rules((_TypeTest(_Expression("isinstance({v}, str)"), "a string"),), tuple(constraints))


def _integer_rules(shape: Shape) -> _Rules:
    meta = shape.metadata
    bits = _INT_BITS[shape.type_name]
    smallest, largest = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    constraints = []
    if "min" in meta:
        low = int(meta["min"])
        constraints.append(_Constraint(_Expression(f"{{v}} >= {low}"), f"Member must have value greater than or equal to {low}"))
    if "max" in meta:
        high = int(meta["max"])
        constraints.append(_Constraint(_Expression(f"{{v}} <= {high}"), f"Member must have value less than or equal to {high}"))
    types = (
        _TypeTest(_Expression("isinstance({v}, int) and not isinstance({v}, bool)"), "an integer"),
        _TypeTest(_Expression(f"{smallest} <= {{v}} <= {largest}"), f"a {bits}-bit integer"),
    )
    return _Rules(types, tuple(constraints))


def _type_only(test: str, expected: str) -> Callable[[Shape], _Rules]:
    def rules(shape: Shape) -> _Rules:
        return _Rules((_TypeTest(_Expression(test), expected),), ())

    return rules


def _container_rules(kind: str, expected: str) -> Callable[[Shape], _Rules]:
    def rules(shape: Shape) -> _Rules:
        types = (_TypeTest(_Expression(f"isinstance({{v}}, {kind})"), expected),)
        return _Rules(types, tuple(_length_constraints(shape.metadata)))

    return rules


_RULES: dict[str, Callable[[Shape], _Rules]] = {
    "string": _string_rules,
    "integer": _integer_rules,
    "long": _integer_rules,
    "boolean": _type_only("isinstance({v}, bool)", "a boolean"),
    "timestamp": _type_only("isinstance({v}, (int, float, str)) and not isinstance({v}, bool)", "a timestamp"),
    "list": _container_rules("list", "a list"),
    "map": _container_rules("dict", "a map"),
    "structure": _type_only("isinstance({v}, dict)", "a structure"),
}
"""How each type of shape in the model is constrained, by ``Shape.type_name`` (botocore's
ParamValidator dispatches the same way). A type not listed here cannot be validated: building a
validator for a shape of that type fails rather than letting its values through unchecked."""


def _rules(shape: Shape) -> _Rules:
    describe = _RULES.get(shape.type_name)
    if describe is None:
        raise NotImplementedError(f"no validation for shapes of type {shape.type_name!r} ({shape.name})")
    return describe(shape)


_CONTAINERS = frozenset({"list", "map", "structure"})


class _Validator:
    """The check of one shape: ``ok`` (fast, True or False) and ``walk`` (AWS's messages).

    Both read the same ``_Rules``; the children of a list, map or structure are validators too.
    """

    __slots__ = (
        "function", "key", "linked", "member", "members", "ok", "remembered", "required", "rules", "shape", "value",
    )

    def __init__(self, shape: Shape) -> None:
        self.shape = shape
        self.rules = _rules(shape)
        self.function = _bind(None, "_ok") if shape.type_name in _CONTAINERS else None
        """The name the compiled check of a list, map or structure is bound to (its children's
        checks call it by name, so a shape that holds itself is checked too)."""
        self.remembered: tuple[str, str] | None = None
        """For a string with a pattern: the names of the set of short strings that passed and
        of the check that remembers them."""
        self.ok: Test = lambda v: self.ok(v)  # until _link sets the compiled check
        self.member: _Validator | None = None
        self.key: _Validator | None = None
        self.value: _Validator | None = None
        self.members: dict[str, _Validator] = {}
        self.required: tuple[str, ...] = ()
        self.linked = False
        """Whether ``_link`` built its children and check (a shape that holds itself is met
        again while it is being linked)."""

    def check_of(self, value: str) -> str:
        """A Python expression: whether the Python expression ``value`` passes this check."""
        if self.function is not None:
            return f"{self.function}({value})"
        if self.remembered is not None:
            passed, check = self.remembered
            return f"((type({value}) is str and {value} in {passed}) or {check}({value}))"
        return " and ".join(test.of(value) for test in self.rules.tests())

    def walk(self, value: Any, path: str, out: _Violations) -> None:
        """Add a message to ``out`` for each constraint ``value`` breaks (in AWS's order); raise
        SerializationException for a value of the wrong type."""
        for test in self.rules.types:
            if not test.test.passes(value):
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
            if not constraint.test.passes(value):
                out.add(value, path, constraint.wording, self.shape)

    def broken(self, value: Any) -> list[str]:
        """The wording of each constraint ``value`` breaks, a wrong type included."""
        for test in self.rules.types:
            if not test.test.passes(value):
                return [f"Expected {test.expected}"]
        return [c.wording for c in self.rules.constraints if not c.test.passes(value)]


def _link(node: _Validator, memo: dict[str, _Validator]) -> None:
    """Build ``node``'s children and its fast check ``ok``: its own tests, then its children's,
    compiled into one function for a list, map or structure (leaves inline, and the containers
    within it up to ``_INLINED_DEPTH`` levels, as a call costs more than the check it makes)."""
    shape = node.shape
    t = shape.type_name
    if t == "list":
        node.member = _validator(shape.member, memo)
    elif t == "map":
        node.key = _validator(shape.key, memo)
        node.value = _validator(shape.value, memo)
    elif t == "structure":
        node.members = {name: _validator(m, memo) for name, m in shape.members.items()}
        node.required = tuple(shape.required_members)
    else:
        own = " and ".join(test.of("v") for test in node.rules.tests())
        node.ok = eval(f"lambda v: {own}", _NAMES)  # noqa: S307 - our own source
        if t == "string" and "pattern" in shape.metadata:
            passed: set[str] = set()
            node.ok = _remembering(node.ok, passed)
            node.remembered = (_bind(passed), _bind(node.ok))
        node.linked = True
        return
    assert node.function is not None
    body = _container_check(node, "v", 0)
    source = f"def {node.function}(v):\n" + "".join(f"    {line}\n" for line in body) + "    return True\n"
    exec(source, _NAMES)  # noqa: S102 - our own source, from the model's constraints
    node.ok = _NAMES[node.function]
    node.linked = True


_INLINED_DEPTH = 3


def _check(node: _Validator, value: str, depth: int) -> list[str]:
    """Statements that return False unless the value named ``value`` passes ``node``: a linked
    container's own statements while not too deep, else its compiled check's call."""
    if node.function is not None and node.linked and depth <= _INLINED_DEPTH:
        return _container_check(node, value, depth)
    return [f"if not ({node.check_of(value)}):", "    return False"]


def _indented(lines: list[str], by: int) -> list[str]:
    return [" " * by + line for line in lines]


def _container_check(node: _Validator, v: str, depth: int) -> list[str]:
    """The statements of a list, map or structure check of the value named ``v`` (names of
    their own at each ``depth``)."""
    own = " and ".join(test.of(v) for test in node.rules.tests())
    lines = [f"if not ({own}):", "    return False"]
    x = f"x{depth}"
    t = node.shape.type_name
    if t == "list":
        assert node.member is not None
        lines += [f"for {x} in {v}:", f"    if {x} is None:", "        return False"]
        lines += _indented(_check(node.member, x, depth + 1), 4)
    elif t == "map":
        assert node.key is not None and node.value is not None
        k = f"k{depth}"
        lines += [f"for {k}, {x} in {v}.items():"]
        lines += _indented(_check(node.key, k, depth + 1), 4)
        lines += [f"    if {x} is not None:"] + _indented(_check(node.value, x, depth + 1), 8)
    else:
        for name in node.required:
            lines += [f"if {v}.get({name!r}) is None:", "    return False"]
        # Members checked alike share one branch: fewer comparisons per member present.
        alike: dict[str, tuple[_Validator, list[str]]] = {}
        for name, member in node.members.items():
            key = member.function or member.check_of("x")
            alike.setdefault(key, (member, []))[1].append(name)
        if alike:
            n = f"n{depth}"
            lines += [f"for {n}, {x} in {v}.items():", f"    if {x} is None:", "        continue"]
            for i, (member, names) in enumerate(alike.values()):
                which = f"{n} == {names[0]!r}" if len(names) == 1 else f"{n} in {_bind(frozenset(names))}"
                lines += [f"    {'if' if i == 0 else 'elif'} {which}:"] + _indented(_check(member, x, depth + 1), 8)
    return lines


_REMEMBERED = 256
_REMEMBERED_LENGTH = 128


def _remembering(test: Test, passed: set[str]) -> Test:
    """``test``, answered from memory (``passed``) for the short strings that passed it lately:
    the names and ARNs of a suite recur call after call, and a set look-up costs less than a
    regular expression. Remembers at most _REMEMBERED strings of at most _REMEMBERED_LENGTH
    characters."""

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
