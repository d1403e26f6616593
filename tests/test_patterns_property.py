import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_events.patterns import PatternError, RuleIndex, compile

KEYS = ["source", "detail-type", "a", "b"]
STRINGS = ["x", "y", "xy", "Xy", "", "10.0.0.1"]
NUMBERS = [0, 1, 2, 2.0, 2.5, -1]

scalars = st.one_of(
    st.sampled_from(STRINGS), st.sampled_from(NUMBERS), st.booleans(), st.none())

operators = st.one_of(
    scalars,
    st.builds(lambda s: {"prefix": s}, st.sampled_from(STRINGS)),
    st.builds(lambda s: {"suffix": s}, st.sampled_from(STRINGS)),
    st.builds(lambda s: {"prefix": {"equals-ignore-case": s}}, st.sampled_from(STRINGS)),
    st.builds(lambda s: {"equals-ignore-case": s}, st.sampled_from(STRINGS)),
    st.builds(lambda s: {"wildcard": s}, st.sampled_from(["x*", "*y", "*", "x*y"])),
    st.builds(lambda s: {"anything-but": s}, st.sampled_from(STRINGS[:4] + [1, 2])),
    st.builds(lambda s: {"anything-but": {"prefix": s}}, st.sampled_from(["x", "y"])),
    st.builds(lambda b: {"exists": b}, st.booleans()),
    st.builds(lambda n: {"numeric": [">", n]}, st.sampled_from(NUMBERS)),
    st.builds(lambda lo, hi: {"numeric": [">=", lo, "<", hi]}, st.just(0), st.sampled_from([1, 2, 3])),
    st.just({"cidr": "10.0.0.0/24"}),
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


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(patterns, min_size=1, max_size=40), st.lists(events, min_size=1, max_size=5))
def test_rule_index_returns_exactly_the_matching_patterns(pattern_list, event_list):
    compiled = _compiled(pattern_list)
    index = RuleIndex()
    for i, p in enumerate(compiled):
        index.add(i, p)
    for event in event_list:
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
