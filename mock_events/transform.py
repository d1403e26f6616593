"""Target input: turn a matched event into what one target receives (Input, InputPath, InputTransformer)."""

from __future__ import annotations

import functools
import re
from datetime import datetime
from typing import Any, Callable, NamedTuple

from jsonpath_ng import JSONPath
from jsonpath_ng import parse as parse_json_path
from jsonpath_ng.jsonpath import Child, Fields, Index, Root, Slice, This, Where, WhereNot

from . import jsontext, jsonpath_walk, timestamps

__all__ = ["MAX_INPUT_SIZE", "InputLimitExceeded", "TargetInput", "TargetInputError", "value_at"]

_RULE_ARN = "aws.events.rule-arn"
_RULE_NAME = "aws.events.rule-name"
_INGESTION_TIME = "aws.events.event.ingestion-time"
_EVENT = "aws.events.event"
_EVENT_JSON = "aws.events.event.json"
PREDEFINED_VARIABLES = frozenset({_RULE_ARN, _RULE_NAME, _INGESTION_TIME, _EVENT, _EVENT_JSON})

_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")
_MISSING: Any = object()

_compact = jsontext.dumps

MAX_INPUT_SIZE = 256 * 1024
"""The largest transformed input delivered, in UTF-8 bytes: the mock's PutEvents entry limit, and
what SQS, SNS and Lambda's asynchronous invocations took until 2026 (1 MB since, by third-party
reports)."""

WALK_STEPS = 2 * MAX_INPUT_SIZE
"""The steps (see jsonpath_walk) the JSON paths of one delivery may take in all: a ``..`` walk of
the largest event, twice. Definite paths (names and indexes only) take none."""


class InputLimitExceeded(Exception):
    """A transformed input that is not delivered: over MAX_INPUT_SIZE, or its JSON paths took
    more than WALK_STEPS. ``.reason`` says which, for ``m.failures()``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_TOO_LARGE = f"The transformed input is larger than {MAX_INPUT_SIZE} bytes, the most a target accepts."
_TOO_LONG = f"The JSON paths of the transformed input take more than {WALK_STEPS} steps through the event."


class _Found(list):  # type: ignore[type-arg]
    """The values of a path that may find one value many times (``$..a..a``): their text may be
    far longer than the event's, so it is written value by value, within the room left."""

    __slots__ = ()


class TargetInputError(Exception):
    """PutTargets refuses this target. .code ('ValidationException') and .message are AWS's."""

    def __init__(self, message: str, code: str = "ValidationException") -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# ---------------------------------------------------------------- JSON paths


class _JsonPath(NamedTuple):
    """A JSONPath as jsonpath-ng parsed it: ``steps`` (names and indexes) when it is definite,
    else ``find``, which lists every value it finds in a document, spending a budget."""

    expression: JSONPath
    steps: tuple[str | int, ...] | None
    find: Callable[[Any, jsonpath_walk.Budget], list[Any]]
    once: bool
    """Whether it finds each value at most once and none inside another (see _finds_once)."""


def _definite_steps(expression: JSONPath) -> tuple[str | int, ...] | None:
    """The names and indexes of a path that names one value at most; None for the others
    (wildcards, deep scans, slices, unions), which give the list of every value they find."""
    if isinstance(expression, (Root, This)):
        return ()
    if isinstance(expression, Child):
        left, right = _definite_steps(expression.left), _definite_steps(expression.right)
        return None if left is None or right is None else left + right
    if isinstance(expression, Fields) and len(expression.fields) == 1 and expression.fields[0] != "*":
        return (expression.fields[0],)
    if isinstance(expression, Index) and len(expression.indices) == 1:
        return (expression.indices[0],)
    return None


def _finds_once(expression: JSONPath, *, first: bool = True) -> bool:
    """Whether the path finds each value at most once and no value inside another, so that the
    text of what it finds is no longer than the event's: True for names (distinct), one index,
    slices and wildcards, in a chain from ``$``; False where ``..``, unions, `parent`, ``$`` after
    the first step, several indexes or a repeated name may find a value again."""
    kind = type(expression)
    if kind is Root:
        return first
    if kind is This or kind is Slice or kind.__name__ == "Wildcard":
        return True
    if kind is Fields:
        return len(set(expression.fields)) == len(expression.fields)
    if kind is Index:
        return len(expression.indices) == 1
    if kind is Child:
        return _finds_once(expression.left, first=first) and _finds_once(expression.right, first=False)
    if kind is Where or kind is WhereNot:
        return _finds_once(expression.left, first=first)
    return False


# The steps of a path: brackets (quoted names may hold any character), and dot steps, deep
# (``..``) or not. jsonpath-ng's lexer takes few characters in a dot step (no ``ключ``, ``a:b``).
_STEP = re.compile(r"""\[(?:'[^']*'|"[^"]*"|[^\]'"])*\]|(?P<dots>\.\.?)(?P<name>[^.\[\]'"]+)?""")


def _in_brackets(path: str) -> str | None:
    """``path`` with each name of a dot step in bracket notation (``$.a.ключ`` is
    ``$['a']['ключ']``); None when it is no sequence of steps."""
    out = ["$"]
    pos = 1
    while pos < len(path):
        m = _STEP.match(path, pos)
        if m is None or m.end() == pos:
            return None
        name, dots = m.group("name"), m.group("dots")
        if dots is None:
            out.append(m.group(0))
        elif name is None:
            if dots == ".":
                return None
            out.append(dots)
        else:
            out.append((".." if dots == ".." else "") + ("[*]" if name == "*" else f"['{name}']"))
        pos = m.end()
    return "".join(out)


@functools.lru_cache(maxsize=1024)
def _compile_path(path: str) -> _JsonPath | None:
    """``path`` compiled once (targets that share a path share it); None when it does not start
    at the root ``$`` or jsonpath-ng cannot read it, which resolves to nothing at delivery
    ("There is no validation when creating JSON path", the user guide says of PutTargets)."""
    if not path.startswith("$"):
        return None
    for text in (path, _in_brackets(path)):
        if text is None:
            continue
        try:
            expression = parse_json_path(text)
        except Exception:  # jsonpath-ng's lexer and parser errors, RecursionError on deep nesting
            continue
        return _JsonPath(expression, _definite_steps(expression), _finder(expression), _finds_once(expression))
    return None


def _finder(expression: JSONPath) -> Callable[[Any, jsonpath_walk.Budget], list[Any]]:
    """What lists the values of an indefinite path: jsonpath_walk (the same values on every
    jsonpath-ng release, at any depth), or jsonpath-ng for the nodes that module leaves to it."""
    walk = jsonpath_walk.compile_walk(expression)
    if walk is not None:
        return walk

    def find(doc: Any, budget: jsonpath_walk.Budget) -> list[Any]:
        found = [datum.value for datum in expression.find(doc)]
        budget.spend(len(found))
        return found

    return find


def _resolve(path: _JsonPath | None, doc: Any, budget: jsonpath_walk.Budget | None = None) -> Any:
    """The value at ``path`` in ``doc``, or _MISSING; for an indefinite path, the list of all
    (a _Found list unless it finds each value once), spending ``budget`` (InputLimitExceeded
    when it runs out).

    A definite path is read step by step as jsonpath-ng reads it (a name in an object, an index
    within a list) without building its DatumInContext chain: several times faster, on every
    delivery of a transformed target.
    """
    if path is None:
        return _MISSING
    steps = path.steps
    if steps is None:
        try:
            found = path.find(doc, budget or jsonpath_walk.Budget(WALK_STEPS))
        except jsonpath_walk.BudgetExceeded:
            raise InputLimitExceeded(_TOO_LONG) from None
        except Exception:  # an expression jsonpath-ng parsed but cannot apply to this document
            return []
        return found if path.once else _Found(found)
    node = doc
    for step in steps:
        if type(step) is str:
            if type(node) is not dict:
                return _MISSING
            node = node.get(step, _MISSING)
            if node is _MISSING:
                return _MISSING
        else:
            if type(node) is not list or not -len(node) <= step < len(node):
                return _MISSING
            node = node[step]
    return node


def value_at(path: str, doc: Any) -> Any:
    """The value at a JSON path (as InputPath reads it) in ``doc``; None when there is none, or
    when its values take more than WALK_STEPS to find."""
    try:
        value = _resolve(_compile_path(path), doc)
    except InputLimitExceeded:
        return None
    return None if value is _MISSING else value


# ---------------------------------------------------------------- value renderers


def _in_string_template(value: Any) -> str:
    """A value inside a string template: strings raw; objects and lists as JSON with quotes dropped."""
    if type(value) is str:
        return value
    if value is _MISSING:
        return ""
    if type(value) is dict or type(value) is list:
        return jsontext.render(value, str, str)
    return _compact(value)


def _in_json_string(value: Any) -> str:
    """A value inside a JSON string literal of a JSON template: strings raw and unescaped, the rest as JSON."""
    if type(value) is str:
        return value
    if value is _MISSING:
        return ""
    return _compact(value)


def _json_value(value: Any) -> str:
    """A value in a JSON template outside string literals; a missing value becomes an empty string."""
    if value is _MISSING:
        return '""'
    return _compact(value)


def _found_text(found: _Found, item_text: Callable[[Any], str], room: int) -> str:
    """``[v1,v2,...]``, each value written by ``item_text``; InputLimitExceeded as soon as the
    text passes ``room`` characters (each at least one UTF-8 byte), before the rest is written."""
    if item_text is _compact and _scalars_within(found, room):
        return _compact(found)
    parts = ["["]
    size = 1  # "[" and "]", less the comma counted for the first item
    for item in found:
        text = item_text(item)
        size += len(text) + 1
        if size > room:
            raise InputLimitExceeded(_TOO_LARGE)
        parts.append(text)
        parts.append(",")
    if len(parts) > 1:
        parts.pop()
    parts.append("]")
    return "".join(parts)


def _scalars_within(found: list[Any], room: int) -> bool:
    """Whether ``found`` holds no object or list and its JSON text fits in ``room`` characters
    for sure: a string takes at most 6 characters per character (``\u001f``) and 3 more, another
    scalar at most 32 (a double, a long), a comma each."""
    size = 2
    for item in found:
        kind = type(item)
        if kind is str:
            size += 6 * len(item) + 3
        elif kind is dict or kind is list:
            return False
        else:
            size += 33
    return size <= room


def _within_limit(text: str) -> str:
    """``text`` if its UTF-8 form is at most MAX_INPUT_SIZE bytes, else InputLimitExceeded."""
    if len(text) <= MAX_INPUT_SIZE // 4:  # even at 4 bytes a character
        return text
    if len(text) > MAX_INPUT_SIZE or (
        not text.isascii() and len(text.encode("utf-8", "surrogatepass")) > MAX_INPUT_SIZE
    ):
        raise InputLimitExceeded(_TOO_LARGE)
    return text


# ---------------------------------------------------------------- templates


def _split_json_template(template: str) -> tuple[list[str], list[tuple[str, bool]]]:
    """Literals (whitespace outside strings removed) and (placeholder, inside-a-string) slots between them."""
    literals: list[str] = []
    slots: list[tuple[str, bool]] = []
    in_string = escaped = False

    def minify(text: str) -> str:
        nonlocal in_string, escaped
        out: list[str] = []
        for ch in text:
            if in_string:
                out.append(ch)
                if escaped:
                    escaped = False
                elif ch == "\\":
                    escaped = True
                elif ch == '"':
                    in_string = False
            elif ch not in " \t\r\n":
                in_string = ch == '"'
                out.append(ch)
        return "".join(out)

    pos = 0
    for m in _PLACEHOLDER.finditer(template):
        literals.append(minify(template[pos : m.start()]))
        slots.append((m.group(1), in_string))
        pos = m.end()
    literals.append(minify(template[pos:]))
    return literals, slots


def _event_without_detail(event: dict[str, Any], ingestion_time: str) -> dict[str, Any]:
    return {
        "id": event.get("id"),
        "account": event.get("account"),
        "detailType": event.get("detail-type"),
        "time": ingestion_time,
        "source": event.get("source"),
        "region": event.get("region"),
        "resources": event.get("resources", []),
        "version": event.get("version"),
    }


# ---------------------------------------------------------------- public API


class TargetInput:
    """How one target turns a matched event into the payload it receives.

    Built once per target (JSON paths compiled once), rendered per event. Behaviour where AWS's
    is unknown:

    - InputPath to a value the event lacks: nothing is delivered (render returns None).
    - JSON paths are not validated at PutTargets (the user guide: "There is no validation when
      creating JSON path"); a path this module cannot read resolves to nothing at delivery.
    - A template is a JSON template when its first non-blank character is ``{``. Its output is
      minified (whitespace outside string literals removed, as the user guide says) and delivered
      only if it parses as JSON. String values go into string literals without escaping (the
      user guide: "EventBridge doesn't escape values extracted by Input Path").
    - ``<aws.events.event.ingestion-time>`` and the ``time`` of ``<aws.events.event>`` are
      ``YYYY-MM-DDTHH:MM:SSZ`` in UTC, like the event's own ``time``.
    - An InputPath or InputTransformer output over MAX_INPUT_SIZE (256 KB) bytes, or JSON paths
      taking more than WALK_STEPS steps, delivers nothing: render raises InputLimitExceeded.
    - Wording not recorded from AWS: "Input for target <id> is not a valid JSON text." (quoted
      from a CloudFormation error) and the reserved InputPathsMap key message.
    """

    __slots__ = ("_render",)

    def __init__(self, render: Callable[[dict[str, Any], str, str, datetime], str | None]) -> None:
        self._render = render

    @classmethod
    def from_target(cls, target: dict[str, Any]) -> TargetInput:
        """Compile a PutTargets Target dict; raise TargetInputError where AWS refuses it."""
        if target.get("Input") is None and target.get("InputPath") is None and target.get("InputTransformer") is None:
            return _WHOLE_EVENT
        target_id = target.get("Id", "")
        given = [k for k in ("Input", "InputPath", "InputTransformer") if target.get(k) is not None]
        if len(given) > 1:
            raise TargetInputError(
                f"Only one of Input, InputPath, or InputTransformer must be provided for target {target_id}."
            )
        if given[0] == "Input":
            return cls(_compile_input(target_id, target["Input"]))
        if given[0] == "InputPath":
            return cls(_compile_input_path(target["InputPath"]))
        return cls(_compile_transformer(target_id, target["InputTransformer"]))

    def render(
        self, event: dict[str, Any], *, rule_arn: str, rule_name: str, ingestion_time: datetime
    ) -> str | None:
        """The exact string delivered to the target, or None when AWS delivers nothing (a JSON
        template whose output is not JSON, an InputPath to nothing).

        Raises InputLimitExceeded for an InputPath or InputTransformer whose output would be
        over MAX_INPUT_SIZE bytes, or whose JSON paths take more than WALK_STEPS, as soon as it
        knows: a path like ``$..a..a`` finds about 500,000 values in an event nested 1,000
        levels, about 1 GB of text. What AWS does then is not recorded; the mock delivers
        nothing, as SQS, SNS and Lambda refuse a message over their limit, and the delivery fails for
        good at its first attempt (dead-lettered if the target has a dead-letter queue).
        """
        return self._render(event, rule_arn, rule_name, ingestion_time)


def _render_whole_event(event: dict[str, Any], rule_arn: str, rule_name: str, ingestion_time: datetime) -> str:
    return _compact(event)


_WHOLE_EVENT = TargetInput(_render_whole_event)
"""The input of every target that delivers the whole event (TargetInput holds no state)."""


def _compile_input(target_id: str, text: str) -> Callable[..., str]:
    try:
        jsontext.loads(text)
    except jsontext.JSONTextError:
        raise TargetInputError(f"Input for target {target_id} is not a valid JSON text.") from None

    def render(event: dict[str, Any], rule_arn: str, rule_name: str, ingestion_time: datetime) -> str:
        return text

    return render


def _compile_input_path(path: str) -> Callable[..., str | None]:
    compiled = _compile_path(path)
    if compiled is not None and compiled.steps == ():
        return _render_whole_event

    def render(event: dict[str, Any], rule_arn: str, rule_name: str, ingestion_time: datetime) -> str | None:
        value = _resolve(compiled, event)
        if value is _MISSING:
            return None
        if type(value) is _Found:
            return _within_limit(_found_text(value, _compact, MAX_INPUT_SIZE))
        return _within_limit(_compact(value))

    return render


def _compile_transformer(target_id: str, transformer: dict[str, Any]) -> Callable[..., str | None]:
    template: str = transformer.get("InputTemplate") or ""
    paths_map: dict[str, str] = transformer.get("InputPathsMap") or {}
    for key in paths_map:
        if key in PREDEFINED_VARIABLES or key.lower().startswith("aws."):
            raise TargetInputError(
                f"InputPathsMap for target {target_id} contains reserved key {key}."
            )
    for name in _PLACEHOLDER.findall(template):
        if name not in paths_map and name not in PREDEFINED_VARIABLES:
            raise TargetInputError(f"InputTemplate for target {target_id} contains invalid placeholder {name}.")

    is_json = template.lstrip()[:1] == "{"
    if is_json:
        literals, slots = _split_json_template(template)
        renderers = [_in_json_string if quoted else _json_value for _, quoted in slots]
        item_text = _compact
    else:
        literals = _PLACEHOLDER.split(template)[::2]
        slots = [(name, False) for name in _PLACEHOLDER.findall(template)]
        renderers = [_in_string_template] * len(slots)
        item_text = _in_string_template
    names = [name for name, _ in slots]
    used = set(names)
    paths = [(name, _compile_path(paths_map[name])) for name in paths_map if name in used]
    walks = any(path is not None and path.steps is None for _, path in paths)
    plan = list(zip(names, renderers, literals[1:]))
    head = literals[0]
    fixed = sum(map(len, literals))
    room = MAX_INPUT_SIZE - fixed  # characters left for the values
    ascii_room = MAX_INPUT_SIZE // 4 - fixed  # within it, even 4-byte characters fit
    needs_time = _INGESTION_TIME in used or _EVENT in used
    uses_predefined = bool(used & PREDEFINED_VARIABLES)

    def render(event: dict[str, Any], rule_arn: str, rule_name: str, ingestion_time: datetime) -> str | None:
        budget = jsonpath_walk.Budget(WALK_STEPS) if walks else None
        values = {name: _resolve(path, event, budget) for name, path in paths}
        if uses_predefined:
            values[_RULE_ARN] = rule_arn
            values[_RULE_NAME] = rule_name
            if needs_time:
                stamp = timestamps.format_time(ingestion_time)
                values[_INGESTION_TIME] = stamp
                if _EVENT in used:
                    values[_EVENT] = _event_without_detail(event, stamp)
            values[_EVENT_JSON] = event
        parts = [head]
        size = 0
        for name, to_text, literal in plan:
            value = values[name]
            text = _found_text(value, item_text, room - size) if type(value) is _Found else to_text(value)
            size += len(text)
            if size > room:  # characters, each at least one UTF-8 byte: stop before writing more
                raise InputLimitExceeded(_TOO_LARGE)
            parts.append(text)
            parts.append(literal)
        text = "".join(parts)
        if size > ascii_room:
            _within_limit(text)
        if is_json:
            try:
                jsontext.loads(text, max_depth=None)
            except jsontext.JSONTextError:
                return None
        return text

    return render
