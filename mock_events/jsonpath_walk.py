"""JSONPaths as jsonpath-ng parses them, walked over an event's plain values without recursion.

jsonpath-ng's own walk differs by release: before 1.11 it walks the descendant operator ``..`` by
recursion, one Python frame per level, and finds nothing in an event nested deeper than about 450
levels (PutEvents accepts 1,000); 1.8 (the newest Python 3.10 gets) also reads ``[*]`` on an object
as a list holding the object, ``*`` on a list as nothing, and raises on ``..[0]`` over an object.
Here a parsed expression is walked with an explicit stack and finds what jsonpath-ng 1.16 finds, in
its order (for ``..``, pre-order: a value's own matches, then those under each of its children in
list or key order), whichever release parsed it. Trees from releases before 1.16 cannot tell
``[:]`` from ``[*]`` nor ``['*']`` from ``*``: both are read as wildcards, as 1.11 reads them.
"""

from __future__ import annotations

from typing import Any, Callable

from jsonpath_ng import JSONPath
from jsonpath_ng import jsonpath as _nodes

__all__ = ["compile_walk"]

_Find = Callable[[Any, Any], "list[Any]"]
"""(value, document) -> the values an expression finds from value; ``$`` is the document."""

_Wildcard: Any = getattr(_nodes, "Wildcard", None)
"""``*`` and ``[*]`` as jsonpath-ng 1.16 and later parse them (before: Fields('*') and Slice())."""


class _Unsupported(Exception):
    """A node left to jsonpath-ng: `parent`, unions and intersections, extension nodes."""


def compile_walk(expression: JSONPath) -> Callable[[Any], list[Any]] | None:
    """The function that lists the values ``expression`` finds in a document; None when the
    expression holds a node this module leaves to jsonpath-ng."""
    try:
        find = _compile(expression)
    except _Unsupported:
        return None
    return lambda doc: find(doc, doc)


def _compile(node: Any) -> _Find:
    kind = type(node)
    if kind is _nodes.Root:
        return lambda value, doc: [doc]
    if kind is _nodes.This:
        return lambda value, doc: [value]
    if kind in (_nodes.Child, _nodes.Descendants, _nodes.Where, _nodes.WhereNot):
        left, right = _compile(node.left), _compile(node.right)
        if kind is _nodes.Child:
            return lambda value, doc: [found for match in left(value, doc) for found in right(match, doc)]
        if kind is _nodes.Where:
            return lambda value, doc: [match for match in left(value, doc) if right(match, doc)]
        if kind is _nodes.WhereNot:
            return lambda value, doc: [match for match in left(value, doc) if not right(match, doc)]
        return _descendants(left, right)
    if kind is _nodes.Fields:
        # A name '*' is a wildcard as releases before 1.16 parse it; later ones mark hand-built ones.
        if getattr(node, "_deprecated_wildcard_use", "*" in node.fields):
            return _children
        names = node.fields
        return lambda value, doc: [value[name] for name in names if name in value] if isinstance(value, dict) else []
    if kind is _nodes.Index:
        indices = node.indices
        return lambda value, doc: (
            [value[i] for i in indices if -len(value) <= i < len(value)] if isinstance(value, list) else []
        )
    if kind is _nodes.Slice:
        start, end, step = node.start, node.end, node.step
        # `[*]` (and `[:]`) is Slice() as releases before 1.16 parse it: every child, 1.11 says.
        if getattr(node, "_deprecated_wildcard_use", start is None and end is None and step is None):
            return _children
        if step == 0:
            return lambda value, doc: []
        return lambda value, doc: value[start:end:step] if isinstance(value, list) else []
    if _Wildcard is not None and kind is _Wildcard:
        return _children
    raise _Unsupported(kind.__name__)


def _children(value: Any, doc: Any) -> list[Any]:
    if isinstance(value, list):
        return value[:]
    if isinstance(value, dict):
        return list(value.values())
    return []


def _descendants(left: _Find, right: _Find) -> _Find:
    def find(value: Any, doc: Any) -> list[Any]:
        found: list[Any] = []
        stack = left(value, doc)[::-1]
        while stack:
            node = stack.pop()
            found += right(node, doc)
            if isinstance(node, list):
                stack += reversed(node)
            elif isinstance(node, dict):
                stack += reversed(node.values())
        return found

    return find
