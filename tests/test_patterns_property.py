import json

from contextlib import contextmanager

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_events.patterns import PatternError, RuleIndex, compile
from mock_events.patterns import _wildcard
from mock_events.patterns._index import _Contains
from mock_events.patterns._wildcard import CHUNK, LONG_VALUE
from conftest import profile_examples

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


def _index_of(compiled):
    """A rule index holding each compiled pattern under its position."""
    index = RuleIndex()
    for i, p in enumerate(compiled):
        index.add(i, p)
    return index


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


@contextmanager
def _keys_walked_for_every_value(*, machine=True):
    """Wildcards filed by a literal (see _index._Contains) found through their keys' trie for any value
    that no machine answers for, whatever its length, where the index would try each of a few
    wildcards on a value past a few characters; with ``machine=False``, no value has a machine's
    answer (as without google-re2)."""
    steps, re2 = _Contains.STEPS_PER_TRY, _wildcard.re2
    _Contains.STEPS_PER_TRY = 1 << 40
    if not machine:
        _wildcard.re2 = None
    try:
        yield
    finally:
        _Contains.STEPS_PER_TRY, _wildcard.re2 = steps, re2


@settings(max_examples=profile_examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(patterns, min_size=5, max_size=40), st.data())
def test_rule_index_returns_exactly_the_matching_patterns(pattern_list, data):
    _returns_exactly_the_matching_patterns(pattern_list, data)


@settings(max_examples=profile_examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(patterns, min_size=5, max_size=40), st.data())
def test_rule_index_returns_exactly_the_matching_patterns_when_wildcards_are_found_by_their_keys(pattern_list, data):
    with _keys_walked_for_every_value():
        _returns_exactly_the_matching_patterns(pattern_list, data)


def _returns_exactly_the_matching_patterns(pattern_list, data):
    compiled = _compiled(pattern_list)
    index = _index_of(compiled)
    for _ in range(5):
        shape = data.draw(st.sampled_from(pattern_list))
        event = data.draw(st.one_of(_shaped(shape), events))
        expected = {i for i, p in enumerate(compiled) if p.matches(event)}
        assert index.match(event) == expected


@settings(max_examples=profile_examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(patterns, min_size=2, max_size=20), st.data(), events)
def test_rule_index_stays_exact_after_replacing_and_removing(pattern_list, data, event):
    _stays_exact_after_replacing_and_removing(pattern_list, data, event)


@settings(max_examples=profile_examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(patterns, min_size=2, max_size=20), st.data(), events)
def test_rule_index_stays_exact_after_replacing_and_removing_when_wildcards_are_found_by_their_keys(
        pattern_list, data, event):
    with _keys_walked_for_every_value():
        _stays_exact_after_replacing_and_removing(pattern_list, data, event)


def _stays_exact_after_replacing_and_removing(pattern_list, data, event):
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


@settings(max_examples=profile_examples(200), deadline=None)
@given(st.one_of(json_texts, st.text(max_size=60),
                 json_texts.flatmap(lambda t: st.integers(0, len(t)).map(lambda n: t[:n]))))
def test_compile_raises_only_pattern_error(text):
    try:
        compile(text)
    except PatternError as e:
        assert e.message.startswith("Event pattern is not valid. Reason: ")


# Long values: a run of one filler around LONG_VALUE or CHUNK characters, with the literals of the
# patterns' wildcards (or near misses of them) dropped at its ends, across the first stretch's edge
# or anywhere.
LITERALS = ["ab", "abc", "ba", "bab", "b", "éé", "\U0001f600x", "*a", "\\\\", "x.y", "İi", "ßs"]
LONG_LENGTHS = [LONG_VALUE - 1, LONG_VALUE, LONG_VALUE + 1, CHUNK - 1, CHUNK + 2, 2 * CHUNK + 3]


def _escaped(literal):
    return literal.replace("\\", "\\\\").replace("*", "\\*")


long_wildcards = st.builds(
    lambda head, literals, tail: (head + "*".join(map(_escaped, literals)) + tail),
    st.sampled_from(["*", "*", "", "x*"]), st.lists(st.sampled_from(LITERALS), min_size=1, max_size=3),
    st.sampled_from(["*", "*", "", "*y"]))
wildcard_operators = st.one_of(
    st.builds(lambda t: {"wildcard": t}, long_wildcards),
    st.builds(lambda t: {"anything-but": {"wildcard": t}}, long_wildcards),
    st.builds(lambda ts: {"anything-but": {"wildcard": ts}}, st.lists(long_wildcards, min_size=2, max_size=3)),
)
mixed_operators = st.one_of(
    wildcard_operators,
    wildcard_operators,
    operators,
    st.builds(lambda s: {"prefix": s}, st.sampled_from(LITERALS)),
    st.builds(lambda s: {"suffix": {"equals-ignore-case": s}}, st.sampled_from(["SS", "i̇", "B"])),
)
mixed_patterns = st.one_of(
    st.dictionaries(st.sampled_from(["x", "y"]), st.lists(mixed_operators, min_size=1, max_size=4), min_size=1),
    st.dictionaries(st.sampled_from(["x", "y"]), st.lists(wildcard_operators, min_size=1, max_size=3), min_size=1),
    st.builds(lambda shared, sides: {"x": shared, "$or": sides},
              st.lists(mixed_operators, min_size=1, max_size=3),
              st.lists(st.dictionaries(st.sampled_from(["y", "z"]), st.lists(mixed_operators, min_size=1, max_size=3),
                                       min_size=1), min_size=2, max_size=3)),
)


@st.composite
def long_strings(draw, literals):
    n = draw(st.sampled_from(LONG_LENGTHS))
    filler = draw(st.sampled_from(["-", "a", "-", "é", "ab", "\U0001f600"]))
    chars = list((filler * n)[:n])
    for literal in draw(st.lists(st.sampled_from(literals), max_size=5)):
        if draw(st.booleans()):  # a near miss
            literal = literal[:-1] + draw(st.sampled_from("-ax"))
        at = draw(st.sampled_from([0, n - len(literal), CHUNK - 1, CHUNK - len(literal) + 1, n // 2, n // 3]))
        at = min(max(at, 0), n)
        chars[at:at + len(literal)] = literal
    return "".join(chars)


@st.composite
def events_sharing_strings(draw, literals):
    """Events of paths x, y, z, mostly long strings, which may be one string object at several paths,
    as a hand-built event may hold (JSON text gives each path a string of its own)."""
    shared = draw(long_strings(literals))
    leaves = st.one_of(st.just(shared), long_strings(literals), st.just(shared), scalars, st.sampled_from(literals))
    event = {}
    for path in ("x", "y", "z"):
        if draw(st.integers(0, 4)):
            event[path] = draw(st.one_of(leaves, st.lists(leaves, min_size=1, max_size=3)))
    return event


def _literals(pattern):
    """The literals of a pattern's wildcards (and of anything-but wildcards), each segment whole."""
    text = json.dumps(pattern)
    return [literal for literal in LITERALS + ["x", "y"] if json.dumps(_escaped(literal))[1:-1] in text]


@settings(max_examples=profile_examples(70), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mixed_patterns, min_size=3, max_size=20), st.data())
def test_rule_index_is_exact_for_fields_mixing_every_alternative_over_long_values(pattern_list, data):
    _exact_over_long_values(pattern_list, data)


@settings(max_examples=profile_examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mixed_patterns, min_size=3, max_size=20), st.data())
def test_rule_index_is_exact_over_long_values_when_wildcards_are_found_by_their_keys_and_no_machine(
        pattern_list, data):
    with _keys_walked_for_every_value(machine=False):
        _exact_over_long_values(pattern_list, data)


def _exact_over_long_values(pattern_list, data):
    compiled = _compiled(pattern_list)
    index = _index_of(compiled)
    literals = sorted({literal for p in pattern_list for literal in _literals(p)}) or ["ab"]
    for event in data.draw(st.lists(events_sharing_strings(literals), min_size=1, max_size=4)):
        assert index.match(event) == {i for i, p in enumerate(compiled) if p.matches(event)}


# Wildcards that share the literals they are keyed by (see _index._Contains): literals over three
# letters, which begin, end and hold one another, at the start, end or middle of values of the same
# letters.
few_letter_literals = st.text(alphabet="abc", min_size=1, max_size=11)
keyed_wildcards = st.builds(
    lambda head, literals, tail: head + "*".join(literals) + tail,
    st.sampled_from(["*", "*", "*", "a*", "ab*"]), st.lists(few_letter_literals, min_size=1, max_size=3),
    st.sampled_from(["*", "*", "*", "*c", "*bc"]))


@settings(max_examples=profile_examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(keyed_wildcards, st.sampled_from([False, False, False, True]), st.booleans()),
                min_size=1, max_size=40),
       st.lists(st.text(alphabet="abc", max_size=30), min_size=1, max_size=6), st.booleans())
def test_rule_index_finds_exactly_the_wildcards_a_value_matches_through_the_literals_they_are_keyed_by(
        rules, values, walked):
    # Each rule: a wildcard of x, with or without an exact y (so that x is not always the field it is
    # filed under), and whether it is removed again after every rule has been added.
    index, live = RuleIndex(), {}
    for i, (text, with_y, _) in enumerate(rules):
        try:
            live[i] = compile({"x": [{"wildcard": text}], **({"y": ["s"]} if with_y else {})})
        except PatternError:  # too complex for EventBridge
            continue
        index.add(i, live[i])
    for i, (_, _, removed) in enumerate(rules):
        if removed and i in live:
            index.remove(i)
            del live[i]
    with _keys_walked_for_every_value() if walked else contextmanager(lambda: (yield))():
        for value in values:
            event = {"x": value, "y": "s"}
            assert index.match(event) == {i for i, p in live.items() if p.matches(event)}


@settings(max_examples=profile_examples(150), deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.text(alphabet="abc", min_size=1, max_size=12)), max_size=30),
       st.lists(st.text(alphabet="abc", max_size=30), min_size=1, max_size=4))
def test_the_trie_of_the_keys_wildcards_are_filed_by_finds_exactly_the_keys_a_value_holds_as_keys_come_and_go(
        changes, values):
    # Keys over three letters begin, end and hold one another; the trie parts and joins its edges as
    # they come and go, and every node left either ends a key or parts two edges.
    from mock_events.patterns._index import _Keys

    keys, live = _Keys(), set()
    for added, key in changes:
        if added:
            keys.add(key, f"*{key}*")
            live.add(key)
        else:
            keys.discard(key, f"*{key}*")
            live.discard(key)
        for value in values:
            assert keys.within(value, 10**9) == {key for key in live if key in value}
        nodes = [edge[1] for edge in keys._root.values()]
        while nodes:
            node = nodes.pop()
            assert "" in node or len(node) >= 2
            nodes.extend(edge[1] for c, edge in node.items() if c)
    assert set(keys.texts_of) == live
    if not live:
        assert keys._root == {}
