"""Unit tests for mock_events.transform: TargetInput built from a Target dict, rendered per event."""

from __future__ import annotations

import json
import re
import sys
import uuid
from datetime import datetime, timedelta, timezone
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, example, given, settings, strategies as st

from conftest import profile_examples
from mock_events import jsonpath_walk
from mock_events.transform import (
    _MISSING,
    InputLimitExceeded,
    TargetInput,
    TargetInputError,
    _compile_path,
    _resolve,
    value_at,
)

CORPUS = Path(__file__).resolve().parent / "conformance" / "input_transform.json"

ACCOUNT = "111111111111"
REGION = "us-east-1"
BUS = "test-bus"
RULE = "test-rule"
CUSTOM_BUS_RULE_ARN = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{BUS}/{RULE}"
DEFAULT_BUS_RULE_ARN = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{RULE}"
EVENT_TIME = datetime(2024, 6, 11, 10, 20, 30, tzinfo=timezone.utc)
INGESTION = datetime(2024, 6, 11, 10, 20, 31, 456000, tzinfo=timezone.utc)

DETAIL = {
    "command": "update-account",
    "payload": {"acc_id": "0a787ecb-4015", "sf_id": "baz"},
    "listsingle": ["HIGH"],
    "listmulti": ["ACTIVE", "INACTIVE"],
    "valid": True,
}


def make_event(entry: dict[str, Any], time: datetime = EVENT_TIME) -> dict[str, Any]:
    """The envelope AWS builds from a PutEvents entry (facts 1.5)."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": entry["DetailType"],
        "source": entry["Source"],
        "account": ACCOUNT,
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": list(entry.get("Resources", [])),
        "detail": json.loads(entry["Detail"]),
    }


def scheduled_event(rule_arn: str) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT,
        "time": EVENT_TIME.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [rule_arn],
        "detail": {},
    }


EVENT = make_event({"Source": "core.app", "DetailType": "core.type", "Detail": json.dumps(DETAIL)})


def transformer(template: str, paths: dict[str, str] | None = None) -> TargetInput:
    config: dict[str, Any] = {"InputTemplate": template}
    if paths is not None:
        config["InputPathsMap"] = paths
    return TargetInput.from_target({"Id": "t1", "Arn": "arn:aws:sqs:us-east-1:1:q", "InputTransformer": config})


def render(target_input: TargetInput, event: dict[str, Any] = EVENT) -> str | None:
    return target_input.render(event, rule_arn=CUSTOM_BUS_RULE_ARN, rule_name=RULE, ingestion_time=INGESTION)


PATHS = {
    "userId": "$.detail.payload.acc_id",
    "payload": "$.detail.payload",
    "listsingle": "$.detail.listsingle",
    "listmulti": "$.detail.listmulti",
    "valid": "$.detail.valid",
    "missing": "$.detail.nothere",
}


# ---------------------------------------------------------------- no input config, Input, InputPath


def test_no_input_config_delivers_whole_event_compact_in_key_order() -> None:
    out = render(TargetInput.from_target({"Id": "t1", "Arn": "a"}))
    assert out == json.dumps(EVENT, separators=(",", ":"))


def test_input_is_delivered_verbatim() -> None:
    text = '{"custom-value": "somecustominput",  "n": 1.50}'
    assert render(TargetInput.from_target({"Id": "t1", "Arn": "a", "Input": text})) == text


def test_input_that_is_not_json_is_refused() -> None:
    with pytest.raises(TargetInputError) as err:
        TargetInput.from_target({"Id": "t1", "Arn": "a", "Input": "not json"})
    assert err.value.code == "ValidationException"
    assert err.value.message == "Input for target t1 is not a valid JSON text."


def test_input_path_dollar_delivers_whole_event() -> None:
    out = render(TargetInput.from_target({"Id": "t1", "Arn": "a", "InputPath": "$"}))
    assert out == json.dumps(EVENT, separators=(",", ":"))


def test_input_path_object_is_compact_json() -> None:
    out = render(TargetInput.from_target({"Id": "t1", "Arn": "a", "InputPath": "$.detail.payload"}))
    assert out == '{"acc_id":"0a787ecb-4015","sf_id":"baz"}'


def test_input_path_string_is_delivered_with_quotes() -> None:
    out = render(TargetInput.from_target({"Id": "t1", "Arn": "a", "InputPath": "$.detail.payload.sf_id"}))
    assert out == '"baz"'


def test_input_path_array_index() -> None:
    out = render(TargetInput.from_target({"Id": "t1", "Arn": "a", "InputPath": "$.detail.listmulti[1]"}))
    assert out == '"INACTIVE"'


def test_input_path_negative_index_counts_from_end() -> None:
    out = render(TargetInput.from_target({"Id": "t1", "Arn": "a", "InputPath": "$.detail.listmulti[-1]"}))
    assert out == '"INACTIVE"'


def test_input_path_bracket_key() -> None:
    out = render(TargetInput.from_target({"Id": "t1", "Arn": "a", "InputPath": "$['detail-type']"}))
    assert out == '"core.type"'


def test_input_path_wildcard_gives_list_of_matches() -> None:
    out = render(TargetInput.from_target({"Id": "t1", "Arn": "a", "InputPath": "$.detail.payload.*"}))
    assert out == '["0a787ecb-4015","baz"]'


def test_input_path_missing_delivers_nothing() -> None:
    target_input = TargetInput.from_target({"Id": "t1", "Arn": "a", "InputPath": "$.detail.nothere"})
    assert render(target_input) is None


def test_input_path_unreadable_is_accepted_and_delivers_nothing() -> None:
    target_input = TargetInput.from_target({"Id": "t1", "Arn": "a", "InputPath": "detail"})
    assert render(target_input) is None


def test_two_input_kinds_are_refused() -> None:
    for extra in ({"Input": "{}"}, {"InputTransformer": {"InputTemplate": '"x"'}}):
        with pytest.raises(TargetInputError) as err:
            TargetInput.from_target({"Id": "t9", "Arn": "a", "InputPath": "$.detail", **extra})
        assert err.value.message == "Only one of Input, InputPath, or InputTransformer must be provided for target t9."


# ---------------------------------------------------------------- InputTransformer: validation


def test_undefined_placeholder_is_refused() -> None:
    with pytest.raises(TargetInputError) as err:
        transformer('"a <userId> b <notdefinedkey>"', PATHS)
    assert err.value.code == "ValidationException"
    assert err.value.message == "InputTemplate for target t1 contains invalid placeholder notdefinedkey."


def test_reserved_input_paths_map_key_is_refused() -> None:
    for key in ("aws.events.rule-name", "AWS.custom"):
        with pytest.raises(TargetInputError) as err:
            transformer('"<userId>"', {"userId": "$.detail.payload.acc_id", key: "$.detail"})
        assert err.value.code == "ValidationException"


def test_unused_paths_map_entries_are_allowed() -> None:
    assert render(transformer('"static"', PATHS)) == '"static"'


# ---------------------------------------------------------------- InputTransformer: string templates


def test_string_template_keeps_its_quotes_and_substitutes_raw_strings() -> None:
    assert render(transformer('"user <userId> ok"', PATHS)) == '"user 0a787ecb-4015 ok"'


def test_string_template_object_renders_without_quotes() -> None:
    assert render(transformer('"<payload>"', PATHS)) == '"{acc_id:0a787ecb-4015,sf_id:baz}"'


def test_string_template_lists_render_without_quotes() -> None:
    assert render(transformer('"<listsingle> <listmulti>"', PATHS)) == '"[HIGH] [ACTIVE,INACTIVE]"'


def test_string_template_boolean() -> None:
    assert render(transformer('"Command is <valid>!"', PATHS)) == '"Command is true!"'


def test_string_template_missing_path_is_empty() -> None:
    assert render(transformer('"detail <missing>"', PATHS)) == '"detail "'


def test_string_template_without_quotes_is_delivered_as_is() -> None:
    assert render(transformer("<userId> is in state <valid>", PATHS)) == "0a787ecb-4015 is in state true"


def test_string_template_starting_with_brace_inside_quotes_is_not_json() -> None:
    assert render(transformer('"{[/x <userId>"', PATHS)) == '"{[/x 0a787ecb-4015"'


def test_string_template_keeps_newlines_and_escapes() -> None:
    template = '"a \\"<userId>\\""\n"<missing> b"'
    assert render(transformer(template, PATHS)) == '"a \\"0a787ecb-4015\\""\n" b"'


def test_string_template_repeated_placeholder() -> None:
    assert render(transformer('"<userId>/<userId>"', PATHS)) == '"0a787ecb-4015/0a787ecb-4015"'


def test_string_template_predefined_variables() -> None:
    out = render(
        transformer('"<aws.events.rule-arn> <aws.events.rule-name> <aws.events.event.ingestion-time>"')
    )
    assert out == f'"{CUSTOM_BUS_RULE_ARN} {RULE} 2024-06-11T10:20:31Z"'


# ---------------------------------------------------------------- InputTransformer: JSON templates


def test_json_template_unquoted_string_is_quoted() -> None:
    assert render(transformer('{"id" : <userId>}', PATHS)) == '{"id":"0a787ecb-4015"}'


def test_json_template_quoted_string_is_not_double_quoted() -> None:
    assert render(transformer('{"id" : "<userId>"}', PATHS)) == '{"id":"0a787ecb-4015"}'


def test_json_template_object_and_list_values() -> None:
    out = render(transformer('{"bod": <payload>, "l": <listsingle>, "v": <valid>}', PATHS))
    assert out == '{"bod":{"acc_id":"0a787ecb-4015","sf_id":"baz"},"l":["HIGH"],"v":true}'


def test_json_template_substitutes_inside_larger_strings() -> None:
    out = render(transformer('{"p": "users/<userId>/second/<userId>"}', PATHS))
    assert out == '{"p":"users/0a787ecb-4015/second/0a787ecb-4015"}'


def test_json_template_placeholder_in_array() -> None:
    out = render(transformer('{"bod": [<userId>, "hardcoded"]}', PATHS))
    assert out == '{"bod":["0a787ecb-4015","hardcoded"]}'


def test_json_template_missing_unquoted_is_empty_string() -> None:
    assert render(transformer('{"command": <missing>}', PATHS)) == '{"command":""}'


def test_json_template_missing_quoted_is_empty_string() -> None:
    assert render(transformer('{"command": "x<missing>"}', PATHS)) == '{"command":"x"}'


def test_json_template_is_minified_outside_strings_only() -> None:
    out = render(transformer('  {\n  "a b" :  "c  d",\n "e": [ 1,  2 ] }', PATHS))
    assert out == '{"a b":"c  d","e":[1,2]}'


def test_json_template_object_inside_quotes_is_not_delivered() -> None:
    assert render(transformer('{"payload": "<payload>"}', PATHS)) is None


def test_json_template_list_inside_quotes_is_not_delivered() -> None:
    assert render(transformer('{"singlelistitem": "<listsingle>"}', PATHS)) is None


def test_json_template_string_value_with_quote_inside_quotes_is_not_delivered() -> None:
    event = make_event({"Source": "s", "DetailType": "d", "Detail": json.dumps({"q": 'say "hi"'})})
    assert render(transformer('{"q": "<q>"}', {"q": "$.detail.q"}), event) is None


def test_json_template_string_value_with_quote_unquoted_is_escaped() -> None:
    event = make_event({"Source": "s", "DetailType": "d", "Detail": json.dumps({"q": 'say "hi"'})})
    assert render(transformer('{"q": <q>}', {"q": "$.detail.q"}), event) == '{"q":"say \\"hi\\""}'


def test_json_template_predefined_event_variables() -> None:
    out = render(transformer('{"e": <aws.events.event>, "j": <aws.events.event.json>}'))
    assert out is not None
    parsed = json.loads(out)
    assert list(parsed["e"]) == ["id", "account", "detailType", "time", "source", "region", "resources", "version"]
    assert parsed["e"]["time"] == "2024-06-11T10:20:31Z"
    assert parsed["e"]["detailType"] == EVENT["detail-type"]
    assert parsed["j"] == EVENT


def test_json_template_rule_variables_are_strings() -> None:
    out = render(transformer('{"arn": <aws.events.rule-arn>, "name": "<aws.events.rule-name>"}'))
    assert out == json.dumps({"arn": CUSTOM_BUS_RULE_ARN, "name": RULE}, separators=(",", ":"))


def test_ingestion_time_is_converted_to_utc() -> None:
    local = INGESTION.astimezone(timezone(timedelta(hours=2)))
    out = transformer('"<aws.events.event.ingestion-time>"').render(
        EVENT, rule_arn=CUSTOM_BUS_RULE_ARN, rule_name=RULE, ingestion_time=local
    )
    assert out == '"2024-06-11T10:20:31Z"'


def test_target_input_is_reusable_across_events() -> None:
    target_input = transformer('{"id": <userId>}', PATHS)
    other = make_event({"Source": "s", "DetailType": "d", "Detail": json.dumps({"payload": {"acc_id": "x"}})})
    assert render(target_input) == '{"id":"0a787ecb-4015"}'
    assert render(target_input, other) == '{"id":"x"}'


# ---------------------------------------------------------------- conformance corpus

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_TIMESTAMP = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z"
_NAME = r"[.\-_A-Za-z0-9]+"
_TOKEN = re.compile(r"<uuid:(\d+)>|<uuid>|<ingestion-time>|<region>|<partition>|<bus-name>|<rule-name>"
                    r"|<target-id>|\b111111111111\b|\bdate\b")
_TOKEN_PATTERNS = {
    "<uuid>": _UUID,
    "<ingestion-time>": _TIMESTAMP,
    "<region>": r"[a-z]{2}(?:-[a-z]+)+-\d",
    "<partition>": r"aws[a-z\-]*",
    "<bus-name>": _NAME,
    "<rule-name>": _NAME,
    "<target-id>": _NAME,
    "111111111111": r"\d{12}",
    "date": _TIMESTAMP,
}


def matches(expected: str, actual: str, bindings: dict[str, str]) -> bool:
    """Compare a recorded string to an actual one, modulo the corpus placeholders."""
    pattern: list[str] = []
    uuid_groups: list[str] = []
    pos = 0
    for m in _TOKEN.finditer(expected):
        pattern.append(re.escape(expected[pos : m.start()]))
        if m.group(1) is not None:
            uuid_groups.append(m.group(1))
            pattern.append(f"({_UUID})")
        else:
            pattern.append(_TOKEN_PATTERNS[m.group(0)])
        pos = m.end()
    pattern.append(re.escape(expected[pos:]))
    found = re.fullmatch("".join(pattern), actual, re.S)
    if found is None:
        return False
    for n, value in zip(uuid_groups, found.groups()):
        if bindings.setdefault(n, value) != value:
            return False
    return True


def json_matches(expected: Any, actual: Any, bindings: dict[str, str]) -> bool:
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and list(expected) == list(actual)
            and all(json_matches(v, actual[k], bindings) for k, v in expected.items())
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(json_matches(e, a, bindings) for e, a in zip(expected, actual))
        )
    if isinstance(expected, str):
        return isinstance(actual, str) and matches(expected, actual, bindings)
    return type(expected) is type(actual) and expected == actual


def _cases() -> list[Any]:
    cases = json.loads(CORPUS.read_text())
    return [pytest.param(case, id=case["name"][:120]) for case in cases]


@pytest.mark.parametrize("case", _cases())
def test_corpus_case(case: dict[str, Any]) -> None:
    target = {"Id": "target-1", "Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:queue-1", **case["target_input_config"]}
    if "expected_error" in case:
        error = case["expected_error"]
        with pytest.raises(TargetInputError) as err:
            TargetInput.from_target(target)
        assert err.value.code == error["code"]
        assert matches(error["message"], err.value.message, {})
        return

    target_input = TargetInput.from_target(target)
    if case["put_events_entry"] is not None:
        rule_arn = CUSTOM_BUS_RULE_ARN
        event = make_event(case["put_events_entry"])
    else:
        assert case.get("rule_schedule_expression"), "a case without an entry is a scheduled rule"
        rule_arn = DEFAULT_BUS_RULE_ARN
        event = scheduled_event(rule_arn)
    delivered = target_input.render(event, rule_arn=rule_arn, rule_name=RULE, ingestion_time=INGESTION)

    if not case["expected_delivered"]:
        assert delivered is None
        return
    assert delivered is not None
    expected = case["expected_delivered_payload"]
    if "raw" in expected:
        assert matches(expected["raw"], delivered, {}), delivered
    else:
        assert json_matches(expected["json"], json.loads(delivered), {}), delivered


@pytest.mark.parametrize("key", ["a", "ключ"])
def test_input_path_deep_scan_delivers_every_value_found(key: str) -> None:
    event = {"detail": {key: 1, "b": {key: 2}}}
    target_input = TargetInput.from_target({"Id": "t1", "Arn": "a", "InputPath": f"$..{key}"})
    assert target_input.render(event, rule_arn="r", rule_name="r", ingestion_time=datetime.now(timezone.utc)) == "[1,2]"


@pytest.mark.parametrize("key", ["ключ", "a:b", "a/b", "len", "0"])
def test_input_path_dot_step_reads_any_key(key: str) -> None:
    event = {"detail": {key: "found"}}
    target_input = TargetInput.from_target({"Id": "t1", "Arn": "a", "InputPath": f"$.detail.{key}"})
    assert target_input.render(event, rule_arn="r", rule_name="r", ingestion_time=datetime.now(timezone.utc)) == '"found"'


_KEYS = st.sampled_from(["a", "b", "detail", "ключ", "0"])
_DOCS = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=3)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=3)),
    max_leaves=10,
)
_STEPS = st.lists(st.one_of(_KEYS.map(lambda k: f".{k}"), st.integers(-3, 3).map(lambda i: f"[{i}]")), max_size=4)


@pytest.mark.skipif(
    tuple(int(part) for part in version("jsonpath-ng").split(".")[:2]) < (1, 11),
    reason="the oracle is jsonpath-ng 1.11 and later (Python 3.10 gets 1.8): earlier releases index "
    "strings, and raise on a negative index past a list's start or an index into an object",
)
@given(doc=_DOCS, steps=_STEPS)
def test_a_definite_path_reads_what_jsonpath_ng_finds(doc: Any, steps: list[str]) -> None:
    compiled = _compile_path("$" + "".join(steps))
    assert compiled is not None and compiled.steps is not None
    found = compiled.expression.find(doc)
    value = _resolve(compiled, doc)
    if found:
        assert len(found) == 1 and value is found[0].value
    else:
        assert value is _MISSING


# An indefinite path is walked by mock_events.jsonpath_walk whatever jsonpath-ng release is
# installed: jsonpath-ng before 1.11 (Python 3.10 gets 1.8) walks ``..`` by recursion and finds
# nothing far down a deep event, raises on ``..[0]`` over an object and reads ``*`` and ``[*]`` otherwise.
_DEEP_DOC = {"a": {"a": 1, "b": [{"a": 2}, 3]}, "b": [[4, {"a": [5]}], "x"], "c": "a"}


@pytest.mark.filterwarnings("ignore:The `[|&]` .* operator is deprecated:DeprecationWarning")  # jsonpath-ng 1.16
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$..a", [{"a": 1, "b": [{"a": 2}, 3]}, 1, 2, [5]]),
        ("$.b..a", [[5]]),
        ("$..a..a", [1, 2]),
        ("$..['a','c']", [{"a": 1, "b": [{"a": 2}, 3]}, "a", 1, 2, [5]]),
        ("$..*", [{"a": 1, "b": [{"a": 2}, 3]}, [[4, {"a": [5]}], "x"], "a", 1, [{"a": 2}, 3], {"a": 2}, 3, 2,
                  [4, {"a": [5]}], "x", 4, {"a": [5]}, [5], 5]),
        ("$..[*]", [{"a": 1, "b": [{"a": 2}, 3]}, [[4, {"a": [5]}], "x"], "a", 1, [{"a": 2}, 3], {"a": 2}, 3, 2,
                    [4, {"a": [5]}], "x", 4, {"a": [5]}, [5], 5]),
        ("$..[0]", [{"a": 2}, [4, {"a": [5]}], 4, 5]),
        ("$..[0,-1]", [{"a": 2}, 3, [4, {"a": [5]}], "x", 4, {"a": [5]}, 5, 5]),
        ("$..[::-1]", [3, {"a": 2}, "x", [4, {"a": [5]}], {"a": [5]}, 4, 5]),
        ("$..a[0]", [5]),
        ("$..[0].a", [2]),
        ("$..* where a", [{"a": 1, "b": [{"a": 2}, 3]}, {"a": 2}, {"a": [5]}]),
        ("$.a[*]", [1, [{"a": 2}, 3]]),
        ("$.a.*", [1, [{"a": 2}, 3]]),
        ("$.b.*", [[4, {"a": [5]}], "x"]),
        ("$.c[*]", []),
        ("$.a[0:1]", []),
        ("$.b[-1:]", ["x"]),
        ("$.b[0,1]", [[4, {"a": [5]}], "x"]),
        ("$.a['b','a']", [[{"a": 2}, 3], 1]),
        ("$.a[0,1]", []),
        ("$.a.(a | b)", [1, [{"a": 2}, 3]]),
        ("$..a.a | $..[0]", 4 * [{"a": 2}, [4, {"a": [5]}], 4, 5]),  # `a | $`, then [0] under each
    ],
)
def test_an_indefinite_path_finds_the_same_values_in_the_same_order_on_every_jsonpath_ng_release(
    path: str, expected: list[Any]
) -> None:
    assert _resolve(_compile_path(path), _DEEP_DOC) == expected


def test_a_deep_scan_walks_a_document_nested_far_deeper_than_the_recursion_limit() -> None:
    depth = 5 * sys.getrecursionlimit()
    doc: Any = {"leaf": 1}
    for _ in range(depth):
        doc = {"a": [doc]}
    found = _resolve(_compile_path("$..a"), doc)
    assert len(found) == depth and found[0] is doc["a"] and found[-1] == [{"leaf": 1}]
    assert _resolve(_compile_path("$..leaf"), doc) == [1]


def test_a_path_with_parent_finds_the_values_holding_what_it_found() -> None:
    assert _resolve(_compile_path("$..b.`parent`"), {"a": {"b": 1}}) == [{"b": 1}]
    assert _resolve(_compile_path("$.a.b.`parent`.`parent`"), {"a": {"b": 1}}) == [{"a": {"b": 1}}]
    assert _resolve(_compile_path("$.a.`parent`.`parent`"), {"a": {"b": 1}}) == []  # above the document


_DEEP_KEYS = st.sampled_from(["a", "b", "ключ", "0", "*"])
_DEEP_VALUES = st.recursive(
    st.one_of(st.none(), st.integers(), st.text(max_size=2)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_DEEP_KEYS, inner, max_size=3)),
    max_leaves=12,
)
_DEEP_DOCS = st.one_of(
    st.lists(_DEEP_VALUES, min_size=1, max_size=3), st.dictionaries(_DEEP_KEYS, _DEEP_VALUES, min_size=1, max_size=3)
)
_INDEX = st.integers(-3, 3).map(str)
_SLICE_PART = st.one_of(st.just(""), _INDEX)
_SELECTOR = st.one_of(
    _DEEP_KEYS.filter(lambda k: k != "*"),
    st.just("*"),
    st.builds(lambda i: f"[{i}]", _INDEX),
    st.just("[*]"),
    st.builds(lambda a, b: f"[{a}:{b}]", _SLICE_PART, _SLICE_PART),
    st.builds(lambda a, b, c: f"[{a}:{b}:{c}]", _SLICE_PART, _SLICE_PART, _SLICE_PART),
    st.builds(lambda i, j: f"[{i},{j}]", _INDEX, _INDEX),
    st.builds(lambda k, m: f"['{k}','{m}']", _DEEP_KEYS.filter(lambda k: k != "*"), _DEEP_KEYS.filter(lambda k: k != "*")),
    st.just("`this`"),
    st.just("`parent`"),
)
_SHALLOW_STEP = _SELECTOR.map(lambda s: s if s.startswith("[") else f".{s}")
_DEEP_STEP = _SELECTOR.map(lambda s: f"..{s}")


@pytest.mark.skipif(
    tuple(int(part) for part in version("jsonpath-ng").split(".")[:2]) < (1, 11),
    reason="the oracle is jsonpath-ng 1.11 and later (Python 3.10 gets 1.8), whose reading the walk follows",
)
@settings(max_examples=profile_examples(300))
@given(
    doc=_DEEP_DOCS,
    before=st.lists(st.one_of(_SHALLOW_STEP, _DEEP_STEP), max_size=1),
    step=st.one_of(_SHALLOW_STEP, _DEEP_STEP),
    after=st.lists(st.one_of(_SHALLOW_STEP, _DEEP_STEP), max_size=1),
    where=st.one_of(st.just(""), st.builds(lambda w, s: f" {w} {s}", st.sampled_from(["where", "wherenot"]), _SELECTOR)),
)
@example(doc={"a": [1]}, before=[], step="..*", after=[], where=" wherenot [::0]")  # a step of 0 finds nothing
def test_a_path_walked_finds_what_jsonpath_ng_finds(
    doc: Any, before: list[str], step: str, after: list[str], where: str
) -> None:
    compiled = _compile_path("$" + "".join(before) + step + "".join(after) + where)
    assume(compiled is not None)
    assert compiled is not None and jsonpath_walk.compile_walk(compiled.expression) is not None
    try:
        expected = [datum.value for datum in compiled.expression.find(doc)]
    except AssertionError:  # `parent` of the document
        with pytest.raises(jsonpath_walk.NoParent):
            compiled.find(doc, jsonpath_walk.Budget(10**9))
        return
    found = compiled.find(doc, jsonpath_walk.Budget(10**9))
    assert len(found) == len(expected) and all(mine is theirs for mine, theirs in zip(found, expected))
    if compiled.once:  # what it finds is written as one text, no longer than the document's
        containers = [id(value) for value in found if isinstance(value, (dict, list))]
        inside = {id(node) for value in found for node in _containers_below(value)}
        assert len(set(containers)) == len(containers) and not inside & set(containers)


def _containers_below(value: Any) -> list[Any]:
    """The objects and lists inside ``value`` (not ``value`` itself)."""
    below: list[Any] = []
    stack = [value]
    while stack:
        node = stack.pop()
        children = list(node.values()) if isinstance(node, dict) else node if isinstance(node, list) else []
        containers = [child for child in children if isinstance(child, (dict, list))]
        below += containers
        stack += containers
    return below


def test_value_at_gives_nothing_for_a_path_that_visits_too_many_values() -> None:
    # Kinesis's PartitionKeyPath (read by value_at) then falls back to the event id.
    doc: Any = {"leaf": 1}
    for _ in range(999):
        doc = {"a": doc}
    assert value_at("$..a..a", doc) is None
    assert value_at("$..leaf", doc) == [1]


@pytest.mark.filterwarnings("ignore:The `[|&]` .* operator is deprecated:DeprecationWarning")  # jsonpath-ng 1.16
@pytest.mark.parametrize("path", ["$" + ".($|$)" * 30, "$.a" + ".(b|b|b|b).`parent`" * 12])
def test_a_union_multiplying_what_a_path_finds_at_each_step_runs_out_of_steps(path: str) -> None:
    # 2**24 or 2**30 values from a path within InputPath's 256 characters: the walk stops at WALK_STEPS.
    with pytest.raises(InputLimitExceeded):
        _resolve(_compile_path(path), {"a": {"b": 1}})


@pytest.mark.filterwarnings("ignore:The `[|&]` .* operator is deprecated:DeprecationWarning")  # jsonpath-ng 1.16
def test_an_intersection_finds_nothing_where_it_is_reached_as_jsonpath_ng_raises_there() -> None:
    assert _resolve(_compile_path("$.a.(b & c)"), {"a": {"b": 1}}) == []
    assert _resolve(_compile_path("$.x.(b & c)"), {"a": {"b": 1}}) == []
    assert jsonpath_walk.compile_walk(_compile_path("$.a.(b & c)").expression) is not None


# -- the walk's budget pays for the work done, not only for the values found ------------------------


def walk_spends(path: str, doc: Any, steps: int) -> bool:
    """Whether walking ``path`` over ``doc`` runs out of a budget of ``steps``."""
    compiled = _compile_path(path)
    assert compiled is not None
    walk = jsonpath_walk.compile_walk(compiled.expression)
    assert walk is not None
    try:
        walk(doc, jsonpath_walk.Budget(steps))
    except jsonpath_walk.BudgetExceeded:
        return True
    return False


def test_names_looked_up_and_not_found_spend_the_budget() -> None:
    # 100 absent names in each of 1,000 objects: 100,000 look-ups that find nothing.
    names = ",".join(f"'n{i}'" for i in range(100))
    assert walk_spends(f"$..[{names}]", {"detail": [{} for _ in range(1000)]}, 50_000)
    assert not walk_spends(f"$..[{names}]", {"detail": [{} for _ in range(10)]}, 50_000)


def test_indexes_tried_outside_the_lists_spend_the_budget() -> None:
    indexes = ",".join(str(i) for i in range(1, 101))
    assert walk_spends(f"$..[{indexes}]", {"detail": [[] for _ in range(1000)]}, 50_000)


@pytest.mark.filterwarnings("ignore:The `[|&]` .* operator is deprecated:DeprecationWarning")  # jsonpath-ng 1.16
def test_climbing_back_to_the_document_spends_a_step_per_level() -> None:
    # `$` from each of 1,000 nested values climbs about 500 levels: 500,000 steps per `$`.
    doc: Any = {"leaf": 1}
    for _ in range(999):
        doc = {"a": doc}
    assert walk_spends("$..*.(`parent`|$)", doc, 100_000)
    assert not walk_spends("$.a.a.(`parent`|$)", doc, 100)
