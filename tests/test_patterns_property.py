import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_events.patterns import PatternError, RuleIndex, compile

KEYS = ["source", "detail-type", "a", "b"]
STRINGS = ["x", "y", "xy", "Xy", "yx", "xyx", "", "10.0.0.1", "10.0.0.01", "10.0.1.7", "::1", "0:0::1", "fe80::1"]
NUMBERS = [0, 1, 2, 2.0, 2.5, -1, -0.0, 5e9, 6e9, 1e-7]

scalars = st.one_of(
    st.sampled_from(STRINGS), st.sampled_from(NUMBERS), st.booleans(), st.none())
affixes = st.sampled_from(["x", "y", "X", "xy", "", "10.", "::"])
wildcards = st.sampled_from(["x*", "*y", "*", "x*y", "*x*", "*y*x", "x*x*", "", "xy", "10.*.7", "\\*", "*:*"])
comparisons = st.sampled_from(["<", "<=", "=", ">", ">="])

operators = st.one_of(
    scalars,
    st.builds(lambda s: {"prefix": s}, affixes),
    st.builds(lambda s: {"suffix": s}, affixes),
    st.builds(lambda s: {"prefix": {"equals-ignore-case": s}}, affixes),
    st.builds(lambda s: {"suffix": {"equals-ignore-case": s}}, affixes),
    st.builds(lambda s: {"equals-ignore-case": s}, st.sampled_from(STRINGS)),
    st.builds(lambda s: {"wildcard": s}, wildcards),
    st.builds(lambda s: {"anything-but": s}, st.sampled_from(STRINGS[:5] + [1, 2, -0.0])),
    st.builds(lambda s: {"anything-but": s}, st.lists(st.sampled_from(STRINGS[:5]), min_size=1, max_size=3)),
    st.builds(lambda s: {"anything-but": s}, st.lists(st.sampled_from(NUMBERS[:6]), min_size=1, max_size=3)),
    st.builds(lambda s: {"anything-but": {"prefix": s}}, st.sampled_from(["x", "y", "10."])),
    st.builds(lambda s: {"anything-but": {"suffix": s}}, st.sampled_from(["x", "y"])),
    st.builds(lambda s: {"anything-but": {"equals-ignore-case": s}}, st.sampled_from(["x", "XY", ["x", "Y"]])),
    st.builds(lambda s: {"anything-but": {"wildcard": s}}, st.sampled_from(["x*", "*y", ["*x*", "y"]])),
    st.builds(lambda b: {"exists": b}, st.booleans()),
    st.builds(lambda op, n: {"numeric": [op, n]}, comparisons, st.sampled_from(NUMBERS[:8])),
    st.builds(lambda lo, hi: {"numeric": [">=", lo, "<", hi]}, st.sampled_from([-1, 0, 0.5]), st.sampled_from([1, 2, 3])),
    st.builds(lambda lo, hi: {"numeric": [">", lo, "<=", hi]}, st.sampled_from([-1, 0]), st.sampled_from([2, 2.5])),
    st.builds(lambda c: {"cidr": c}, st.sampled_from(["10.0.0.0/24", "10.0.0.0/8", "10.0.1.7/31", "::/0", "fe80::/10"])),
)

leaf_lists = st.lists(operators, min_size=1, max_size=3)


def _objects(children):
    return st.dictionaries(st.sampled_from(KEYS), children, min_size=1, max_size=3)


patterns = st.recursive(
    _objects(leaf_lists),
    lambda inner: st.one_of(
        _objects(st.one_of(leaf_lists, inner)),
        st.builds(lambda bs: {"$or": bs}, st.lists(inner, min_size=2, max_size=3)),
    ),
    max_leaves=6,
)

event_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(KEYS), inner, max_size=3),
    ),
    max_leaves=8,
)
events = st.dictionaries(st.sampled_from(KEYS + ["a.b"]), event_values, max_size=4)


def _compiled(candidates):
    out = []
    for p in candidates:
        try:
            out.append(compile(json.dumps(p)))
        except PatternError:
            pass
    return out


def _fields(pattern):
    fields = {}
    for key, value in pattern.items():
        if key == "$or":
            for side in value:
                fields.update(_fields(side))
        elif isinstance(value, dict):
            fields[key] = st.fixed_dictionaries({}, optional=_fields(value))
        else:
            fields[key] = st.one_of(scalars, st.lists(scalars, min_size=1, max_size=3))
    return fields


def _shaped(pattern):
    """Events with a pattern's fields (each $or side's too), each present or not, holding values its
    operators talk about: far likelier to match, or to miss narrowly, than events drawn blind."""
    return st.fixed_dictionaries({}, optional=_fields(pattern))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(patterns, min_size=5, max_size=40), st.data())
def test_rule_index_returns_exactly_the_matching_patterns(pattern_list, data):
    compiled = _compiled(pattern_list)
    index = RuleIndex()
    for i, p in enumerate(compiled):
        index.add(i, p)
    for _ in range(5):
        shape = data.draw(st.sampled_from(pattern_list))
        event = data.draw(st.one_of(_shaped(shape), events))
        expected = {i for i, p in enumerate(compiled) if p.matches(event)}
        assert index.match(event) == expected


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(patterns, min_size=2, max_size=20), st.data(), events)
def test_rule_index_stays_exact_after_replacing_and_removing(pattern_list, data, event):
    compiled = _compiled(pattern_list)
    index = RuleIndex()
    live = {}
    for i, p in enumerate(compiled):
        key = i % 5
        index.add(key, p)
        live[key] = p
        if data.draw(st.booleans()):
            index.remove(key)
            live.pop(key, None)
    assert len(index) == len(live)
    assert index.match(event) == {k for k, p in live.items() if p.matches(event)}


json_texts = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
              st.text(max_size=5)),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=12), inner, max_size=3)),
    max_leaves=10,
).map(json.dumps)


@settings(max_examples=200, deadline=None)
@given(st.one_of(json_texts, st.text(max_size=60),
                 json_texts.flatmap(lambda t: st.integers(0, len(t)).map(lambda n: t[:n]))))
def test_compile_raises_only_pattern_error(text):
    try:
        compile(text)
    except PatternError as e:
        assert e.message.startswith("Event pattern is not valid. Reason: ")
