"""JSONPaths as jsonpath-ng parses them, walked over an event's plain values without recursion.

jsonpath-ng's own walk differs by release: before 1.11 it walks the descendant operator ``..`` by
recursion, one Python frame per level, and finds nothing in an event nested deeper than about 450
levels (PutEvents accepts 1,000); 1.8 (the newest Python 3.10 gets) also reads ``[*]`` on an object
as a list holding the object, ``*`` on a list as nothing, and raises on ``..[0]`` over an object.
Here a parsed expression is walked with an explicit stack and finds what jsonpath-ng 1.16 finds, in
its order (for ``..``, pre-order: a value's own matches, then those under each of its children in
list or key order), whichever release parsed it. Trees from releases before 1.16 cannot tell
``[:]`` from ``[*]`` nor ``['*']`` from ``*``: both are read as wildcards, as 1.11 reads them.
Unions (``a | b``) and `` `parent` `` are walked too; an intersection raises where it is reached,
as in jsonpath-ng; the extension parser's nodes are left to jsonpath-ng.

Every walk spends a ``Budget``: one step for each value a node of the expression gives (``$``,
`` `this` `` and `` `parent` `` included: a union of them doubles what a path finds), for each
value ``..`` passes through, for each name or index a step of several looks up (found or not:
``..['a','b',...]`` looks up every name in every object) and for each level ``$`` climbs back
to the document in a path holding `` `parent` ``. A path such as ``$..a..a`` over an event nested 1,000 levels
finds about 500,000 values (each found again under every ancestor); ``Budget.spend`` raises
``BudgetExceeded`` as soon as the steps run out, so the walk's time and memory stay within the
budget whatever the path.
"""

from __future__ import annotations

from typing import Any, Callable

from jsonpath_ng import JSONPath
from jsonpath_ng import jsonpath as _nodes

__all__ = ["Budget", "BudgetExceeded", "NoParent", "compile_walk"]


class BudgetExceeded(Exception):
    """A walk needed more steps than its budget had left."""


class Budget:
    """Steps left for one walk or several (the paths of one delivery share one budget)."""

    __slots__ = ("steps",)

    def __init__(self, steps: int) -> None:
        self.steps = steps

    def spend(self, steps: int) -> None:
        """Take ``steps``; raise BudgetExceeded when fewer were left."""
        self.steps -= steps
        if self.steps < 0:
            raise BudgetExceeded


_Find = Callable[[Any, Any, Budget], "list[Any]"]
"""(value, document, budget) -> the values an expression finds from value; ``$`` is the document."""

_Wildcard: Any = getattr(_nodes, "Wildcard", None)
"""``*`` and ``[*]`` as jsonpath-ng 1.16 and later parse them (before: Fields('*') and Slice())."""

_Union: Any = getattr(_nodes, "_Union", None) or _nodes.Union
"""``a | b``: _Union from jsonpath-ng 1.16 on, Union before (the left's values, then the right's)."""

_Intersect: Any = getattr(_nodes, "_Intersect", None) or _nodes.Intersect
"""``a & b``: jsonpath-ng raises NotImplementedError where it reaches one, and so does the walk."""


class _Unsupported(Exception):
    """A node left to jsonpath-ng: the extension parser's (jsonpath_ng.ext), not the one used here."""


def compile_walk(expression: JSONPath) -> Callable[[Any, Budget], list[Any]] | None:
    """The function that lists the values ``expression`` finds in a document, spending the
    budget given (BudgetExceeded when it runs out; NoParent for `parent` of the document); None
    when the expression holds a node this module leaves to jsonpath-ng."""
    try:
        if _holds_parent(expression):
            find_items = _compile_items(expression)
            return lambda doc, budget: [value for value, _ in find_items((doc, None), budget)]
        find = _compile(expression)
    except _Unsupported:
        return None
    return lambda doc, budget: find(doc, doc, budget)


def _compile(node: Any) -> _Find:
    kind = type(node)
    if kind is _nodes.Root:
        return lambda value, doc, budget: budget.spend(1) or [doc]
    if kind is _nodes.This:
        return lambda value, doc, budget: budget.spend(1) or [value]
    if kind in (_nodes.Child, _nodes.Descendants, _nodes.Where, _nodes.WhereNot, _Union):
        left, right = _compile(node.left), _compile(node.right)
        if kind is _nodes.Child:
            return lambda value, doc, budget: [
                found for match in left(value, doc, budget) for found in right(match, doc, budget)
            ]
        if kind is _nodes.Where:
            return lambda value, doc, budget: [match for match in left(value, doc, budget) if right(match, doc, budget)]
        if kind is _nodes.WhereNot:
            return lambda value, doc, budget: [
                match for match in left(value, doc, budget) if not right(match, doc, budget)
            ]
        if kind is _Union:  # jsonpath-ng: the left's values, then the right's
            return lambda value, doc, budget: left(value, doc, budget) + right(value, doc, budget)
        return _descendants(left, right)
    if kind is _nodes.Fields:
        # A name '*' is a wildcard as releases before 1.16 parse it; later ones mark hand-built ones.
        if getattr(node, "_deprecated_wildcard_use", "*" in node.fields):
            return _children
        names = node.fields
        if len(names) == 1:
            name = names[0]

            def field(value: Any, doc: Any, budget: Budget) -> list[Any]:
                if type(value) is dict and name in value:
                    budget.spend(1)
                    return [value[name]]
                return []

            return field

        def fields(value: Any, doc: Any, budget: Budget) -> list[Any]:
            if not isinstance(value, dict):
                return []
            budget.spend(len(names))  # each name looked up, found or not
            return [value[name] for name in names if name in value]

        return fields
    if kind is _nodes.Index:
        indices = node.indices

        def index(value: Any, doc: Any, budget: Budget) -> list[Any]:
            if not isinstance(value, list):
                return []
            budget.spend(len(indices))  # each index tried, within the list or not
            return [value[i] for i in indices if -len(value) <= i < len(value)]

        return index
    if kind is _nodes.Slice:
        start, end, step = node.start, node.end, node.step
        # `[*]` (and `[:]`) is Slice() as releases before 1.16 parse it: every child, 1.11 says.
        if getattr(node, "_deprecated_wildcard_use", start is None and end is None and step is None):
            return _children
        if step == 0:
            return lambda value, doc, budget: []

        def sliced(value: Any, doc: Any, budget: Budget) -> list[Any]:
            if not isinstance(value, list):
                return []
            found = value[start:end:step]
            budget.spend(len(found))
            return found

        return sliced
    if _Wildcard is not None and kind is _Wildcard:
        return _children
    if kind is _Intersect:
        return _intersect
    raise _Unsupported(kind.__name__)


def _intersect(*_: Any) -> list[Any]:
    raise NotImplementedError("jsonpath-ng finds no intersection")


def _children(value: Any, doc: Any, budget: Budget) -> list[Any]:
    if isinstance(value, list):
        budget.spend(len(value))
        return value[:]
    if isinstance(value, dict):
        budget.spend(len(value))
        return list(value.values())
    return []


def _descendants(left: _Find, right: _Find) -> _Find:
    def find(value: Any, doc: Any, budget: Budget) -> list[Any]:
        found: list[Any] = []
        stack = left(value, doc, budget)[::-1]
        while stack:
            node = stack.pop()
            found += right(node, doc, budget)
            if isinstance(node, list):
                budget.spend(len(node))
                stack += reversed(node)
            elif isinstance(node, dict):
                budget.spend(len(node))
                stack += reversed(node.values())
        return found

    return find


# -- paths holding `parent` -----------------------------------------------------------------------
#
# `parent` needs to know where each value was found: such a path is walked over items
# (value, the item it was found in, or None for the document), as jsonpath-ng walks its
# DatumInContext chain.


class NoParent(Exception):
    """`parent` of the document: jsonpath-ng fails an assertion there, and the whole path finds nothing."""


_FindItems = Callable[[Any, Budget], "list[tuple[Any, Any]]"]
"""(item, budget) -> the items an expression finds from item."""


def _holds_parent(node: Any) -> bool:
    stack = [node]
    while stack:
        node = stack.pop()
        if type(node) is _nodes.Parent:
            return True
        stack += [child for child in (getattr(node, "left", None), getattr(node, "right", None)) if child is not None]
    return False


def _compile_items(node: Any) -> _FindItems:
    kind = type(node)
    if kind is _nodes.Root:

        def root(item: Any, budget: Budget) -> list[Any]:
            hops = 1
            while item[1] is not None:
                item = item[1]
                hops += 1
            budget.spend(hops)  # each level climbed: up to 1,000 for one `$` step
            return [item]

        return root
    if kind is _nodes.This:
        return lambda item, budget: budget.spend(1) or [item]
    if kind is _nodes.Parent:

        def parent(item: Any, budget: Budget) -> list[Any]:
            if item[1] is None:
                raise NoParent
            budget.spend(1)
            return [item[1]]

        return parent
    if kind in (_nodes.Child, _nodes.Descendants, _nodes.Where, _nodes.WhereNot, _Union):
        left, right = _compile_items(node.left), _compile_items(node.right)
        if kind is _nodes.Child:
            return lambda item, budget: [found for match in left(item, budget) for found in right(match, budget)]
        if kind is _nodes.Where:
            return lambda item, budget: [match for match in left(item, budget) if right(match, budget)]
        if kind is _nodes.WhereNot:
            return lambda item, budget: [match for match in left(item, budget) if not right(match, budget)]
        if kind is _Union:
            return lambda item, budget: left(item, budget) + right(item, budget)
        return _descendant_items(left, right)
    # A step into the children of a value: the plain walk's, each child paired with the item.
    step = _compile(node)
    return lambda item, budget: [(child, item) for child in step(item[0], None, budget)]


def _descendant_items(left: _FindItems, right: _FindItems) -> _FindItems:
    def find(item: Any, budget: Budget) -> list[Any]:
        found: list[Any] = []
        stack = left(item, budget)[::-1]
        while stack:
            node = stack.pop()
            found += right(node, budget)
            value = node[0]
            if isinstance(value, list):
                budget.spend(len(value))
                stack += [(child, node) for child in reversed(value)]
            elif isinstance(value, dict):
                budget.spend(len(value))
                stack += [(child, node) for child in reversed(value.values())]
        return found

    return find
