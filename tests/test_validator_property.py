"""The request validator: its fast check and its message walk are one description of the
model's constraints, so on any input they agree (no valid request refused, no invalid one let
through), and every shape of the model can be validated."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.model import Shape
from hypothesis import given, settings, strategies as st

from conftest import profile_examples
from mock_events.errors import ServiceError
from mock_events.model import (
    OutputShapeError, _regex, _validator, _Violations, check_output, input_validator, service_model, validate,
)

OPERATIONS = sorted(service_model().operation_names)


def _strings(shape: Shape) -> st.SearchStrategy[Any]:
    meta = shape.metadata
    low, high = meta.get("min", 0), meta.get("max", 20)
    edges = {"", "a" * low, "a" * min(high, 300), "a" * (high + 1), "not valid!", "ǅ😀"}
    fitting: st.SearchStrategy[Any] = st.text(min_size=low, max_size=min(high, 8))
    if shape.enum:
        fitting = st.sampled_from(shape.enum)
    elif "pattern" in meta:
        try:
            generated = st.from_regex(_regex(meta["pattern"]), fullmatch=True)
            generated.validate()
            fitting = generated.filter(lambda v: len(v) <= 2000)
        except Exception:  # a pattern Hypothesis cannot generate from
            pass
    return _mostly(fitting, st.one_of(st.sampled_from(sorted(edges)), st.text(max_size=8)))


def _integers(shape: Shape) -> st.SearchStrategy[Any]:
    meta = shape.metadata
    edges = [-(2**63) - 1, -(2**31) - 1, -(2**31), -1, 0, 1, 2**31 - 1, 2**31, 2**63 - 1, 2**63]
    for key in ("min", "max"):
        if key in meta:
            edges += [meta[key] - 1, meta[key], meta[key] + 1]
    return _mostly(st.integers(meta.get("min", -1000), meta.get("max", 1000)), st.sampled_from(edges))


WRONG_TYPES = st.sampled_from([None, True, 1, 1.5, "1", [], {}, ["a"], {"a": 1}])


def _mostly(
    usual: st.SearchStrategy[Any], rare: st.SearchStrategy[Any], odds: int = 5
) -> st.SearchStrategy[Any]:
    """``rare`` about once in ``odds`` draws, else ``usual``: so that whole requests are often valid."""
    return st.integers(1, odds).flatmap(lambda i: rare if i == odds else usual)


def values(shape: Shape, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values for ``shape``, mostly of its type, within and beyond its constraints."""
    t = shape.type_name
    if t == "string":
        right = _strings(shape)
    elif t in ("integer", "long"):
        right = _integers(shape)
    elif t == "boolean":
        right = st.booleans()
    elif t == "timestamp":
        right = st.one_of(st.integers(0, 2**40), st.floats(allow_nan=False), st.text(max_size=4))
    elif depth > 4:
        right = st.nothing()
    elif t == "list":
        high = shape.metadata.get("max", 3)
        items = _mostly(values(shape.member, depth + 1), st.none())
        right = st.lists(items, max_size=min(high + 1, 6))
    elif t == "map":
        keys = _strings(shape.key)
        right = st.dictionaries(keys, _mostly(values(shape.value, depth + 1), st.none()), max_size=3)
    else:
        right = _structures(shape, depth)
    return _mostly(right, WRONG_TYPES, odds=12)


def _structures(shape: Shape, depth: int) -> st.SearchStrategy[dict[str, Any]]:
    required = list(shape.required_members)
    members = {name: _mostly(values(m, depth + 1), st.none()) for name, m in shape.members.items()}

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        names = draw(st.lists(st.sampled_from(list(members)), unique=True, max_size=4)) if members else []
        if draw(st.integers(0, 3)):
            names = required + [n for n in names if n not in required]
        out = {name: draw(members[name]) for name in names}
        if draw(st.integers(0, 9)) == 0:
            out["NotAMember"] = draw(WRONG_TYPES)
        return out

    return build()


def _walk(operation: str, value: Any) -> list[str] | None:
    """The messages of the walk, or None when it refuses a value of the wrong type."""
    node = input_validator(operation)
    assert node is not None
    out = _Violations()
    try:
        node.walk(value, "", out)
    except ServiceError as error:
        assert error.code == "SerializationException"
        return None
    return out.items


OPERATIONS_WITH_INPUT = [
    op for op in OPERATIONS if service_model().operation_model(op).input_shape is not None
]


@pytest.mark.parametrize("operation", OPERATIONS_WITH_INPUT)
def test_fast_check_and_message_walk_agree(operation: str) -> None:
    shape = service_model().operation_model(operation).input_shape
    node = input_validator(operation)
    assert node is not None

    @settings(max_examples=profile_examples(30), database=None)
    @given(st.one_of(_structures(shape, 0), _structures(shape, 0), WRONG_TYPES))
    def agree(request: Any) -> None:
        messages = _walk(operation, request)
        assert node.ok(request) == (messages == []), (request, messages)

    agree()


def test_every_shape_of_the_model_can_be_validated() -> None:
    model = service_model()
    for name in model.shape_names:
        _validator(model.shape_for(name), {})


def test_a_shape_of_a_type_without_rules_is_refused_when_the_validator_is_built() -> None:
    with pytest.raises(NotImplementedError, match="blob"):
        _validator(Shape("Payload", {"type": "blob"}), {})


def test_a_response_outside_the_output_shape_is_refused() -> None:
    with pytest.raises(OutputShapeError, match="Name"):
        check_output("DescribeRule", {"Name": 1})
    with pytest.raises(OutputShapeError, match="Unknown parameter"):
        check_output("DescribeRule", {"Name": "r", "Colour": "red"})


def test_a_response_may_hold_what_the_model_forbids_requests_only() -> None:
    check_output("ListTargetsByRule", {"Targets": []})


def test_a_refusal_of_the_fast_check_that_the_walk_cannot_explain_is_an_error_not_a_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    node = input_validator("DescribeRule")
    assert node is not None
    monkeypatch.setattr(node, "ok", lambda value: False)
    with pytest.raises(AssertionError, match="fast check refused"):
        validate("DescribeRule", {"Name": "r"})


def _shapes(definitions: dict[str, Any], root: str) -> Shape:
    from botocore.model import ShapeResolver

    return ShapeResolver(definitions).get_shape_by_name(root)


def test_a_shape_that_holds_itself_is_checked_at_every_depth() -> None:
    node = _validator(_shapes({
        "Node": {"type": "structure", "members": {"Next": {"shape": "Node"}, "V": {"shape": "Short"}}},
        "Short": {"type": "string", "max": 3},
    }, "Node"), {})

    def chain(depth: int, value: str) -> dict[str, Any]:
        return {"V": value} if depth == 0 else {"V": "a", "Next": chain(depth - 1, value)}

    for depth in range(8):
        assert node.ok(chain(depth, "abc"))
        assert not node.ok(chain(depth, "abcd"))
        assert not node.ok(chain(depth, 1))


def test_containers_nested_deeper_than_one_compiled_check_holds_are_checked() -> None:
    definitions: dict[str, Any] = {"Leaf": {"type": "string", "min": 1}}
    for level in range(6):  # L0 lists Leaf, L1 maps to L0, L2 lists L1, ... deeper than the inlined depth
        inner = "Leaf" if level == 0 else f"L{level - 1}"
        if level % 2 == 0:
            definitions[f"L{level}"] = {"type": "list", "member": {"shape": inner}, "max": 2}
        else:
            definitions[f"L{level}"] = {"type": "map", "key": {"shape": "Leaf"}, "value": {"shape": inner}}
    definitions["Top"] = {"type": "structure", "members": {"M": {"shape": "L5"}}, "required": ["M"]}
    node = _validator(_shapes(definitions, "Top"), {})

    def value(leaf: Any) -> dict[str, Any]:
        built: Any = [leaf]
        for level in range(1, 6):
            built = {"k": built} if level % 2 else [built]
        return {"M": built}

    assert node.ok(value("x"))
    assert not node.ok(value(""))  # the leaf's min, six containers down
    assert not node.ok(value(None))
    assert not node.ok({"M": {"": [[{"k": ["x"]}]]}})  # a key breaks its min two levels down
    assert not node.ok({})
