import json
from pathlib import Path

import pytest

from mock_events.patterns import (
    MAX_PATTERN_LENGTH,
    Pattern,
    PatternError,
    RuleIndex,
    compile,
    validate_test_event,
)

CORPUS = Path(__file__).resolve().parent / "conformance"
PREFIX = "Event pattern is not valid. Reason: "


def _load(name):
    path = CORPUS / name
    return json.loads(path.read_text())


def _matches(pattern, event):
    return compile(json.dumps(pattern)).matches(event)


def _error(pattern_text):
    with pytest.raises(PatternError) as info:
        compile(pattern_text)
    return info.value.message


# ---------------------------------------------------------------- corpus

@pytest.mark.parametrize("case", _load("event_patterns.json"), ids=lambda c: c["name"])
def test_event_patterns_corpus_case(case):
    expected = case["expected"]
    try:
        pattern = compile(case["pattern"])
    except PatternError as e:
        assert "error" in expected, e.message
        assert e.message.split("\n")[0] == expected["error"]["message_first_line"]
        assert e.message == expected["error"]["message"]
        return
    try:
        event = validate_test_event(case["event"])
    except ValueError:
        assert expected.get("error", {}).get("message") == "Parameter Event is not valid."
        return
    assert "result" in expected, expected
    assert pattern.matches(event) is expected["result"]


@pytest.mark.parametrize("case", _load("rule_matching.json"), ids=lambda c: c["name"])
def test_rule_matching_corpus_case(case):
    event = json.loads(case["event"])
    assert compile(case["rule_event_pattern"]).matches(event) is case["expected_delivered"]


def test_corpus_files_are_present():
    assert len(_load("event_patterns.json")) == 117
    assert len(_load("rule_matching.json")) == 20


# ---------------------------------------------------------------- public surface

def test_compile_keeps_source_text_exactly():
    text = '{ "source" : [ "a" ] }'
    assert compile(text).source == text


def test_compile_accepts_a_dict():
    p = compile({"source": ["a"]})
    assert isinstance(p, Pattern)
    assert p.matches({"source": "a"})


def test_pattern_error_message_attribute_equals_str():
    with pytest.raises(PatternError) as info:
        compile('{"a": 1}')
    assert str(info.value) == info.value.message


# ---------------------------------------------------------------- matching semantics

def test_fields_are_anded():
    p = {"source": ["a"], "detail-type": ["b"]}
    assert _matches(p, {"source": "a", "detail-type": "b"})
    assert not _matches(p, {"source": "a", "detail-type": "c"})


def test_values_in_a_list_are_ored():
    assert _matches({"source": ["a", "b"]}, {"source": "b"})


def test_missing_field_does_not_match():
    assert not _matches({"source": ["a"]}, {"other": "a"})


def test_event_array_matches_on_any_element():
    assert _matches({"resources": ["r2"]}, {"resources": ["r1", "r2"]})
    assert not _matches({"resources": ["r3"]}, {"resources": ["r1", "r2"]})


def test_event_arrays_of_objects_are_traversed():
    event = {"detail": {"items": [{"id": 1}, {"id": 2}]}}
    assert _matches({"detail": {"items": {"id": [2]}}}, event)


def test_dotted_event_key_equals_nested_pattern():
    assert _matches({"detail": {"state": {"status": ["on"]}}}, {"detail": {"state.status": "on"}})


def test_dotted_pattern_key_equals_nested_event():
    assert _matches({"detail": {"state.status": ["on"]}}, {"detail": {"state": {"status": "on"}}})


def test_strings_are_case_sensitive():
    assert not _matches({"a": ["X"]}, {"a": "x"})


def test_keys_are_case_sensitive():
    assert not _matches({"MY_KEY": ["x"]}, {"my_key": "x"})


def test_null_matches_only_null():
    assert _matches({"a": [None]}, {"a": None})
    assert not _matches({"a": [None]}, {"a": "null"})
    assert not _matches({"a": [None]}, {"a": ""})
    assert not _matches({"a": [None]}, {"a": []})


def test_empty_string_matches_only_empty_string():
    assert _matches({"a": [""]}, {"a": ""})
    assert not _matches({"a": [""]}, {"a": None})


def test_numbers_compare_numerically():
    assert _matches({"n": [300]}, {"n": 300.0})
    assert _matches({"n": [3.0e2]}, {"n": 300})


def test_number_pattern_does_not_match_string():
    assert not _matches({"n": [300]}, {"n": "300"})


def test_string_pattern_does_not_match_number():
    assert not _matches({"n": ["300"]}, {"n": 300})


def test_booleans_are_distinct_from_numbers():
    assert not _matches({"b": [True]}, {"b": 1})
    assert not _matches({"b": [1]}, {"b": True})
    assert not _matches({"b": [0]}, {"b": False})
    assert _matches({"b": [False]}, {"b": False})


def test_stringified_json_is_not_parsed():
    assert not _matches({"detail": {"k": ["v"]}}, {"detail": '{"k": "v"}'})


def test_duplicate_keys_last_wins():
    text = '{"detail": {"loc": [{"prefix": "us-"}], "loc": [{"anything-but": "us-east"}]}}'
    assert compile(text).matches({"detail": {"loc": "eu-central-1"}})


def test_dotted_and_nested_spellings_of_one_path_override_each_other():
    text = '{"a.b": ["x"], "a": {"b": ["y"]}}'
    p = compile(text)
    assert p.matches({"a": {"b": "y"}})
    assert not p.matches({"a": {"b": "x"}})


def test_escaped_star_and_backslash_are_exact():
    p = {"a": ["*"], "b": ["\\"]}
    assert _matches(p, {"a": "*", "b": "\\"})
    assert not _matches(p, {"a": "x", "b": "\\"})


def test_unicode_escapes_with_surrogate_pairs_match_the_character():
    assert compile('{"s": ["\\ud83d\\ude80"]}').matches({"s": "\U0001F680"})


def test_exact_ip_string_matches_equivalent_ipv6_spelling():
    assert _matches({"ip": ["2001:db8::1"]}, {"ip": "2001:0db8:0:0:0:0:0:1"})


# ---------------------------------------------------------------- operators

def test_prefix():
    assert _matches({"t": [{"prefix": "2022-"}]}, {"t": "2022-07-13"})
    assert not _matches({"t": [{"prefix": "2023-"}]}, {"t": "2022-07-13"})


def test_empty_prefix_matches_any_string_but_not_numbers():
    assert _matches({"t": [{"prefix": ""}]}, {"t": "anything"})
    assert not _matches({"t": [{"prefix": ""}]}, {"t": 5})


def test_prefix_equals_ignore_case():
    assert _matches({"s": [{"prefix": {"equals-ignore-case": "EventB"}}]}, {"s": "eventbridge"})


def test_suffix_and_suffix_ignore_case():
    assert _matches({"f": [{"suffix": ".png"}]}, {"f": "a.png"})
    assert not _matches({"f": [{"suffix": ".png"}]}, {"f": "a.PNG"})
    assert _matches({"f": [{"suffix": {"equals-ignore-case": ".png"}}]}, {"f": "a.PNG"})


def test_equals_ignore_case():
    assert _matches({"s": [{"equals-ignore-case": "ABC"}]}, {"s": "aBc"})
    assert not _matches({"s": [{"equals-ignore-case": ""}]}, {"s": "x"})
    assert _matches({"s": [{"equals-ignore-case": ""}]}, {"s": ""})


def test_wildcard():
    p = {"f": [{"wildcard": "dir/*/file*.txt"}]}
    assert _matches(p, {"f": "dir/a/b/file1.txt"})
    assert not _matches(p, {"f": "dir/a/file1.txt.bak"})


def test_wildcard_escapes():
    p = compile('{"f": [{"wildcard": "a\\\\*b"}]}')
    assert p.matches({"f": "a*b"})
    assert not p.matches({"f": "axb"})


def test_wildcard_empty_matches_only_empty_string():
    assert _matches({"f": [{"wildcard": ""}]}, {"f": ""})
    assert not _matches({"f": [{"wildcard": ""}]}, {"f": "x"})


def test_numeric_range():
    p = {"n": [{"numeric": [">", 0, "<=", 5]}]}
    assert _matches(p, {"n": 5})
    assert _matches(p, {"n": 0.5})
    assert not _matches(p, {"n": 0})
    assert not _matches(p, {"n": 5.01})


def test_numeric_equals():
    assert _matches({"n": [{"numeric": ["=", 301.8]}]}, {"n": 301.8})


def test_numeric_only_on_json_numbers():
    p = {"n": [{"numeric": [">", 100]}]}
    assert not _matches(p, {"n": "300"})
    assert not _matches(p, {"n": None})
    assert not _matches(p, {"n": True})


def test_numeric_ignores_event_numbers_outside_comparable_range():
    assert not _matches({"n": [{"numeric": [">", 0]}]}, {"n": 6e9})


def test_anything_but_string():
    p = {"s": [{"anything-but": "init"}]}
    assert _matches(p, {"s": "running"})
    assert not _matches(p, {"s": "init"})


def test_anything_but_matches_null_but_not_missing():
    p = {"s": [{"anything-but": "init"}]}
    assert _matches(p, {"s": None})
    assert not _matches(p, {})


def test_anything_but_number_list():
    p = {"n": [{"anything-but": [100, 200]}]}
    assert _matches(p, {"n": 150})
    assert not _matches(p, {"n": 200.0})


def test_anything_but_prefix_matches_numbers():
    assert _matches({"s": [{"anything-but": {"prefix": "init"}}]}, {"s": 5})
    assert not _matches({"s": [{"anything-but": {"prefix": "init"}}]}, {"s": "initial"})


def test_anything_but_suffix_list():
    p = {"f": [{"anything-but": {"suffix": [".txt", ".jpg"]}}]}
    assert _matches(p, {"f": "a.png"})
    assert not _matches(p, {"f": "a.jpg"})


def test_anything_but_equals_ignore_case():
    p = {"s": [{"anything-but": {"equals-ignore-case": ["Init", "Stopped"]}}]}
    assert not _matches(p, {"s": "STOPPED"})
    assert _matches(p, {"s": "running"})


def test_anything_but_wildcard():
    p = {"f": [{"anything-but": {"wildcard": "*/lib/*"}}]}
    assert _matches(p, {"f": "/usr/bin/x"})
    assert not _matches(p, {"f": "/usr/lib/x"})


def test_exists_true_needs_a_leaf_value():
    p = {"k": [{"exists": True}]}
    assert _matches(p, {"k": "v"})
    assert _matches(p, {"k": None})
    assert not _matches(p, {"k": {"nested": 1}})
    assert not _matches(p, {"k": []})
    assert not _matches(p, {})


def test_exists_false_matches_missing_field():
    p = {"detail": {"k": [{"exists": False}]}}
    assert _matches(p, {"detail": {}})
    assert not _matches(p, {"detail": {"k": 1}})


def test_cidr_ipv4():
    p = {"ip": [{"cidr": "10.0.0.0/24"}]}
    assert _matches(p, {"ip": "10.0.0.255"})
    assert not _matches(p, {"ip": "10.0.1.0"})


def test_cidr_ipv6():
    p = {"ip": [{"cidr": "2001:db8:1234:1a00::/64"}]}
    assert _matches(p, {"ip": "2001:0db8:1234:1a00:0000:0000:0000:0000"})


def test_cidr_on_non_string_does_not_match():
    assert not _matches({"ip": [{"cidr": "10.0.0.0/8"}]}, {"ip": 10})


def test_operators_in_one_list_are_ored():
    assert _matches({"k": [{"exists": True}, {"prefix": "IGNORED"}]}, {"k": "x"})


def test_or_at_top_level():
    p = {"$or": [{"source": ["a"]}, {"detail-type": ["b"]}]}
    assert _matches(p, {"source": "x", "detail-type": "b"})
    assert not _matches(p, {"source": "x", "detail-type": "x"})


def test_or_nested_and_combined_with_siblings():
    p = {"source": ["s"], "detail": {"$or": [{"a": [1]}, {"$or": [{"b": [2]}, {"c": [3]}]}]}}
    assert _matches(p, {"source": "s", "detail": {"c": 3}})
    assert not _matches(p, {"source": "t", "detail": {"c": 3}})
    assert not _matches(p, {"source": "s", "detail": {"d": 3}})


# ---------------------------------------------------------------- refusals

def test_leaf_that_is_not_a_list_is_refused_with_column():
    assert _error('{"int": 42}') == (PREFIX + '"int" must be an object or an array\n'
                                     ' at [Source: (String)"{"int": 42}"; line: 1, column: 11]')


def test_location_counts_lines():
    text = '{\n  "a": {\n    "b": "c"\n  }\n}'
    assert _error(text).endswith("line: 3, column: 11]")


def test_empty_array_refused():
    assert _error('{"a": []}').startswith(PREFIX + "Empty arrays are not allowed\n at ")


def test_empty_object_refused():
    assert _error('{"a": {}}').startswith(PREFIX + "Empty objects are not allowed\n at ")
    assert _error("{}").startswith(PREFIX + "Empty objects are not allowed")


def test_non_object_pattern_refused():
    assert _error('["a"]').startswith(PREFIX + "Filter is not an object\n at ")
    assert _error('"a"').startswith(PREFIX + "Filter is not an object")
    assert _error("").startswith(PREFIX + "Filter is not an object")


def test_unknown_and_miscased_operators_refused():
    assert _error('{"a": [{"EXISTS": true}]}').startswith(PREFIX + "Unrecognized match type EXISTS")
    assert _error('{"a": [{"regex": "x"}]}').startswith(PREFIX + "Unrecognized match type regex")


def test_nested_list_value_refused():
    assert _error('{"a": [["x"]]}').startswith(
        PREFIX + "Match value must be String, number, true, false, or null")


def test_two_keys_in_match_expression_refused():
    assert _error('{"a": [{"prefix": "x", "suffix": "y"}]}').startswith(
        PREFIX + "Only one key allowed in match expression")


def test_operand_types_refused():
    assert _error('{"a": [{"prefix": 1}]}').startswith(PREFIX + "prefix match pattern must be a string")
    assert _error('{"a": [{"suffix": ["x"]}]}').startswith(PREFIX + "suffix match pattern must be a string")
    assert _error('{"a": [{"wildcard": 1}]}').startswith(PREFIX + "wildcard match pattern must be a string")
    assert _error('{"a": [{"equals-ignore-case": 1}]}').startswith(
        PREFIX + "equals-ignore-case match pattern must be a string")
    assert _error('{"a": [{"exists": "yes"}]}').startswith(
        PREFIX + "exists match pattern must be either true or false.")
    assert _error('{"a": [{"cidr": 1}]}').startswith(PREFIX + "prefix match pattern must be a string")


def test_prefix_with_other_inner_operator_refused():
    assert _error('{"a": [{"prefix": {"suffix": "x"}}]}').startswith(
        PREFIX + "Unsupported prefix pattern: suffix")


def test_numeric_errors():
    assert _error('{"a": [{"numeric": 1}]}').startswith(PREFIX + "Value of numeric must be an array.")
    assert _error('{"a": [{"numeric": [">", 0, ">", 1]}]}').startswith(
        PREFIX + "Bad numeric range operator: >")
    assert _error('{"a": [{"numeric": [">", 0, "<"]}]}').startswith(PREFIX + "Value of < must be numeric")
    assert _error('{"a": [{"numeric": ["!", 0]}]}').startswith(
        PREFIX + "Unrecognized numeric range operator: !")
    assert _error('{"a": [{"numeric": ["=", "x"]}]}').startswith(PREFIX + "Value of equals must be numeric")
    assert _error('{"a": [{"numeric": ["<", 1, "x"]}]}').startswith(
        PREFIX + "Too many elements in numeric expression")
    assert _error('{"a": [{"numeric": [">", 0, "<", 1, 2]}]}').startswith(
        PREFIX + "Too many terms in numeric range expression")
    assert _error('{"a": [{"numeric": [">", 5, "<", 1]}]}').startswith(PREFIX + "Bottom must be less than top")


def test_numeric_value_out_of_range_refused():
    assert _error('{"a": [{"numeric": [">", 5e10]}]}').startswith(
        PREFIX + "Value must be between -5.0E9 and 5.0E9, inclusive")


def test_exact_number_out_of_numeric_range_is_allowed():
    assert _matches({"account": [123456789012]}, {"account": 123456789012})


def test_anything_but_errors():
    assert _error('{"a": [{"anything-but": null}]}').startswith(
        PREFIX + "Value of anything-but must be an array or single string/number value.")
    assert _error('{"a": [{"anything-but": ["x", 1]}]}').startswith(
        PREFIX + "Inside anything but list, either all values are number or string, mixed type is not supported")
    assert _error('{"a": [{"anything-but": {"exists": true}}]}').startswith(
        PREFIX + "Unsupported anything-but pattern: exists")
    assert _error('{"a": [{"anything-but": {"suffix": ""}}]}').startswith(PREFIX + "Null prefix/suffix not allowed")


def test_errors_inside_anything_but_list_repeat_location():
    message = _error('{"a": [{"anything-but": ["x", true]}]}')
    assert message.count("\n at [Source:") == 2


def test_wildcard_consecutive_stars_refused_with_byte_position():
    assert _error('{"a": [{"wildcard": "ab**"}]}').startswith(PREFIX + "Consecutive wildcard characters at pos 3\n")


def test_wildcard_bad_escape_refused():
    assert _error('{"a": [{"wildcard": "a\\\\b"}]}').startswith(PREFIX + "Invalid escape character at pos 2\n")


def test_wildcard_too_complex_has_no_location():
    message = _error('{"a": [{"wildcard": "*:*:*:*:*:event-bus/*"}]}')
    assert message == PREFIX + ("Rule is too complex - try using fewer wildcard characters or fewer "
                                "repeating character sequences after a wildcard character")


def test_wildcards_of_one_field_add_up_in_complexity():
    many = {"k": [{"wildcard": w} for w in ("*.bif", "*.tiff", "*.tif", "*.svs")]}
    with pytest.raises(PatternError):
        compile(json.dumps(many))
    compile(json.dumps({"k": [{"wildcard": w} for w in ("*/datasync/*.bif", "*/datasync/*.tif")]}))


def test_cidr_errors_have_no_location():
    assert _error('{"a": [{"cidr": "x"}]}') == PREFIX + "Malformed CIDR, one '/' required"
    assert _error('{"a": [{"cidr": "10.0.0.0/x"}]}') == PREFIX + "Malformed CIDR, mask bits must be an integer"
    assert _error('{"a": [{"cidr": "xx.1/8"}]}') == PREFIX + "Nonstandard IP address: xx.1"
    assert _error('{"a": [{"cidr": "300.0.0.0/8"}]}') == PREFIX + "Invalid IP address: 300.0.0.0"
    assert _error('{"a": [{"cidr": "10.0.0.0/33"}]}') == PREFIX + "IPv4 mask bits must be < 32"


def test_or_structure_errors():
    assert _error('{"$or": {"a": ["b"]}}').startswith(PREFIX + "It must be an Array followed with $or.")
    assert _error('{"$or": [{"a": ["b"]}]}').startswith(
        PREFIX + "There must have at least 2 Objects in $or relationship.")
    assert _error('{"$or": [{"a": ["b"]}, "x"]}').startswith(
        PREFIX + "Only JSON object is allowed in array of $or relationship.")
    assert _error('{"$or": [{"prefix": ["b"]}, {"a": ["c"]}]}').startswith(
        PREFIX + "prefix is Ruler reserved fieldName which cannot be used inside $or.")


def test_or_over_1000_combinations_refused():
    ors = [{"$or": [{f"k{i}{j}": [1]} for j in range(4)]} for i in range(5)]
    pattern = {"d": {f"x{i}": o for i, o in enumerate(ors)}}
    with pytest.raises(PatternError):
        compile(json.dumps(pattern))


def test_or_under_1000_combinations_accepted():
    ors = [{"$or": [{f"k{i}{j}": [1]} for j in range(4)]} for i in range(4)]
    compile(json.dumps({"d": {f"x{i}": o for i, o in enumerate(ors)}}))


def test_pattern_longer_than_quota_refused():
    text = json.dumps({"a": ["x" * MAX_PATTERN_LENGTH]})
    assert _error(text).startswith(PREFIX)


# ---------------------------------------------------------------- JSON parsing, Jackson style

def test_unrecognized_token_reports_column_after_token():
    assert _error("this is not json") == PREFIX + (
        "Unrecognized token 'this': was expecting (JSON String, Number, Array, Object or token "
        "'null', 'true' or 'false')\n at [Source: (String)\"this is not json\"; line: 1, column: 5]")


def test_single_quotes_refused():
    assert _error("{'a': ['b']}").startswith(
        PREFIX + "Unexpected character (''' (code 39)): was expecting double-quote to start field name")


def test_nan_and_infinity_refused():
    assert _error('{"a": [NaN]}').startswith(PREFIX + "Non-standard token 'NaN'")
    assert _error('{"a": [Infinity]}').startswith(PREFIX + "Non-standard token 'Infinity'")
    assert _error('{"a": [-Infinity]}').startswith(PREFIX + "Non-standard token '-Infinity'")


def test_leading_zeroes_refused():
    assert _error('{"a": [01]}').startswith(PREFIX + "Invalid numeric value: Leading zeroes not allowed")


def test_trailing_comma_refused():
    assert _error('{"a": ["b",]}').startswith(PREFIX + "Unexpected character (']' (code 93))")


def test_unclosed_object_refused():
    assert _error('{"a": ["b"]').startswith(PREFIX + "Unexpected end-of-input")


def test_mismatched_close_marker_refused():
    assert _error('{"a": ["b"}').startswith(PREFIX + "Unexpected close marker '}'")


def test_compile_error_wins_over_later_syntax_error():
    assert _error('{"a": 1, !!!').startswith(PREFIX + '"a" must be an object or an array')


def test_deep_nesting_raises_pattern_error():
    deep = '{"a":' * 300 + '["x"]' + "}" * 300
    assert compile(deep).matches(json.loads('{"a":' * 300 + '"x"' + "}" * 300))
    with pytest.raises(PatternError):
        compile("[" * 5000)
    nested: dict = {}
    for _ in range(5000):
        nested = {"a": nested}
    with pytest.raises(PatternError):
        compile(nested)


def test_huge_numbers_do_not_crash():
    assert not compile('{"a": [1e999999]}').matches({"a": 1})
    with pytest.raises(PatternError):
        compile('{"a": [{"numeric": [">", 1e999999]}]}')


def test_non_serialisable_dict_raises_pattern_error():
    with pytest.raises(PatternError):
        compile({"a": [float("nan")]})
    with pytest.raises(PatternError):
        compile({"a": [object()]})


# ---------------------------------------------------------------- TestEventPattern event check

def test_validate_test_event_accepts_minimal_envelope():
    text = json.dumps({"id": "1", "account": "1", "source": "s", "time": "t", "region": "r",
                       "detail-type": "d"})
    assert validate_test_event(text)["source"] == "s"


@pytest.mark.parametrize("text", ["not json", "[]", '"s"', '{"id": "1"}', '{"id": NaN}', "[" * 100000])
def test_validate_test_event_refuses(text):
    with pytest.raises(ValueError):
        validate_test_event(text)


# ---------------------------------------------------------------- RuleIndex

def test_rule_index_matches_like_patterns():
    index = RuleIndex()
    index.add("a", compile('{"source": ["a"]}'))
    index.add("b", compile('{"source": ["b"], "detail": {"n": [{"numeric": [">", 1]}]}}'))
    index.add("p", compile('{"source": [{"prefix": "a"}]}'))
    assert index.match({"source": "a"}) == {"a", "p"}
    assert index.match({"source": "b", "detail": {"n": 2}}) == {"b"}
    assert index.match({"source": "c"}) == set()
    assert len(index) == 3


def test_rule_index_add_replaces_existing_key():
    index = RuleIndex()
    index.add("r", compile('{"source": ["a"]}'))
    index.add("r", compile('{"source": ["b"]}'))
    assert index.match({"source": "a"}) == set()
    assert index.match({"source": "b"}) == {"r"}
    assert len(index) == 1


def test_rule_index_remove_is_silent_when_absent():
    index = RuleIndex()
    index.add("r", compile('{"source": ["a"]}'))
    index.remove("r")
    index.remove("r")
    assert index.match({"source": "a"}) == set()
    assert len(index) == 0


def test_rule_index_handles_or_branches_with_different_keys():
    index = RuleIndex()
    index.add("r", compile('{"$or": [{"source": ["a"]}, {"detail-type": ["t"]}]}'))
    assert index.match({"source": "x", "detail-type": "t"}) == {"r"}
    assert index.match({"source": "a"}) == {"r"}


def test_rule_index_numbers_and_literals():
    index = RuleIndex()
    index.add("n", compile('{"n": [300]}'))
    index.add("t", compile('{"n": [true]}'))
    index.add("z", compile('{"n": [null]}'))
    assert index.match({"n": 300.0}) == {"n"}
    assert index.match({"n": True}) == {"t"}
    assert index.match({"n": 1}) == set()
    assert index.match({"n": None}) == {"z"}


def test_rule_index_keeps_a_branch_that_one_anything_but_excludes_and_another_admits():
    index = RuleIndex()
    index.add("r", compile('{"b": [{"anything-but": ["Xy"]}, {"anything-but": {"equals-ignore-case": ["x"]}}]}'))
    assert index.match({"b": "Xy"}) == {"r"}
    assert index.match({"b": "x"}) == {"r"}


def test_rule_index_finds_rules_by_every_operator_without_a_shared_exact_value():
    index = RuleIndex()
    rules = {
        "suffix": {"f": [{"suffix": ".png"}]},
        "wildcard": {"f": [{"wildcard": "img/*/x*.png"}]},
        "middle": {"f": [{"wildcard": "*/x*"}]},
        "ignore-case": {"f": [{"equals-ignore-case": "IMG/A/X1.PNG"}]},
        "prefix-ignore-case": {"f": [{"prefix": {"equals-ignore-case": "IMG/"}}]},
        "range": {"n": [{"numeric": [">", 0, "<=", 5]}]},
        "cidr": {"ip": [{"cidr": "10.0.0.0/8"}]},
        "ip": {"ip": ["10.1.2.3"]},
        "absent": {"g": [{"exists": False}]},
        "anything-but": {"f": [{"anything-but": ["other"]}]},
    }
    for name, pattern in rules.items():
        index.add(name, compile(pattern))
    assert index.match({"f": "img/a/x1.png", "n": 5, "ip": "10.1.2.3"}) == set(rules)
    assert index.match({"f": "other", "n": 0, "ip": "11.0.0.1", "g": 1}) == set()


def test_rule_index_agrees_with_every_corpus_pattern_at_once():
    cases = [c for c in _load("event_patterns.json") if "result" in c["expected"]]
    index = RuleIndex()
    patterns = {}
    for i, case in enumerate(cases):
        patterns[i] = compile(case["pattern"])
        index.add(i, patterns[i])
    for case in cases:
        event = validate_test_event(case["event"])
        assert index.match(event) == {i for i, p in patterns.items() if p.matches(event)}


def test_rule_index_keeps_each_numeric_range_once():
    import random
    import tracemalloc

    rng = random.Random(5)
    patterns = [compile({"n": [{"numeric": [">", rng.uniform(-1e6, 0), "<=", rng.uniform(1, 1e6)]}]})
                for _ in range(2000)]
    tracemalloc.start()
    try:
        index = RuleIndex()
        for i, p in enumerate(patterns):
            index.add(i, p)
        size, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size < 2_000_000  # bytes: about 1 KB a rule, not a bucket per block of every range
    assert index.match({"n": 0.5}) == {i for i, p in enumerate(patterns) if p.matches({"n": 0.5})}


def test_fields_of_the_same_strings_share_one_test_across_patterns():
    # Checking many rules' branches then reads one test for their common source, not one per rule.
    first = compile({"source": ["orders"], "detail-type": ["a"]})
    second = compile({"source": ["orders"], "detail": {"n": [1]}})

    assert dict(first._branches[0])["source"] is dict(second._branches[0])["source"]
    assert dict(first._branches[0])["source"](["orders"]) and not dict(first._branches[0])["source"]([1, None])


def test_a_str_subclass_leaf_of_a_hand_built_event_is_no_string_to_any_field():
    # json gives only str; an enum member placed in an event by hand equals its text, yet every
    # string operator and the rule index take only str, and so does a field of strings alone.
    import enum

    class Kind(str, enum.Enum):
        ORDER = "order"

    strings_only = compile({"k": ["order"]})
    with_number = compile({"k": ["order", 1]})
    with_prefix = compile({"k": [{"prefix": "ord"}]})
    index = RuleIndex()
    for key, pattern in (("strings", strings_only), ("number", with_number), ("prefix", with_prefix)):
        index.add(key, pattern)
    event = {"k": [Kind.ORDER]}

    assert [p.matches(event) for p in (strings_only, with_number, with_prefix)] == [False, False, False]
    assert index.match(event) == set()
    assert index.match({"k": [Kind.ORDER, "order"]}) == {"strings", "number", "prefix"}


def test_a_wildcard_of_only_a_star_takes_any_string_and_nothing_else_through_the_rule_index():
    # It is filed as "the path holds a value", which a number or null also meets: the branch check
    # must still ask for a string.
    index = RuleIndex()
    index.add("star", compile({"x": [{"wildcard": "*"}]}))
    index.add("star or 1", compile({"x": [{"wildcard": "*"}, 1]}))

    assert index.match({"x": ""}) == {"star", "star or 1"}
    assert index.match({"x": [1]}) == {"star or 1"}
    assert index.match({"x": [None, 2.5, True]}) == set()
    assert index.match({"x": [2, "a"]}) == {"star", "star or 1"}


def test_an_unhashable_leaf_of_a_hand_built_event_is_no_string_to_a_field_of_strings():
    # JSON has no such leaf, but a dict built by hand may hold a set or a bytearray: it matches
    # nothing, as in any other field, rather than raising TypeError.
    strings_only = compile({"source": ["a"]})
    index = RuleIndex()
    index.add("strings", strings_only)

    assert not strings_only.matches({"source": bytearray(b"a")})
    assert strings_only.matches({"source": [{"a"}, "a"]})
    assert index.match({"source": [{"a"}, "b"]}) == set()
    assert index.match({"source": [{"a"}, "a"]}) == {"strings"}


def test_rule_index_reaches_rules_of_one_source_through_their_numeric_ranges(monkeypatch):
    # 1,000 rules of one source, each with its own range of detail.amount: an event is checked
    # against the few rules whose range may hold its amount, not against every rule of its source
    # (the index once filed most of them under the source, as an empty-looking range was costed
    # at the whole path's load).
    from mock_events.patterns import _index

    index = RuleIndex()
    for i in range(1000):
        index.add(i, compile({"source": ["orders"], "detail": {"amount": [{"numeric": [">", i, "<=", i + 1]}]}}))
    checked = []
    holds = _index._holds
    monkeypatch.setattr(_index, "_holds", lambda tests, get: checked.append(tests) or holds(tests, get))

    assert index.match({"source": "orders", "detail": {"amount": 700.5}}) == {700}
    assert len(checked) < 10


def _counting_wildcard_tries(monkeypatch):
    """A list that grows by the text of each wildcard tried on a value (see _wildcard.Wildcard)."""
    from mock_events.patterns._wildcard import Wildcard

    tried = []
    call = Wildcard.__call__

    def counted(self, value):
        tried.append(self.text)
        return call(self, value)

    monkeypatch.setattr(Wildcard, "__call__", counted)
    return tried


def _shared_wildcard_shapes(i):
    # A literal between two stars; a shared prefix and suffix around it; a shared literal beside
    # it; a shared prefix with a suffix of its own.
    return [{"detail": {"object": [{"wildcard": f"*-{i}/*"}]}},
            {"detail": {"object": [{"wildcard": f"bucket*/{i}/*.png"}]}},
            {"detail": {"object": [{"wildcard": f"*photos*{i}*"}]}},
            {"source": [{"wildcard": f"com.example.*.{i}"}]}][i % 4]


def test_wildcards_of_one_shape_each_with_a_literal_of_its_own_are_reached_through_that_literal(monkeypatch):
    # 2,000 rules whose wildcards differ in one literal: an event tries the few whose literal it
    # holds (and a few filed under a shared prefix or suffix before it grew busy), not every rule
    # (which cost 1,800x one rule for 10,000 such rules).
    index, patterns = RuleIndex(), {}
    for i in range(2000):
        patterns[i] = compile(_shared_wildcard_shapes(i))
        index.add(i, patterns[i])
    tried = _counting_wildcard_tries(monkeypatch)
    for event in ({"source": "com.example.orders.24", "detail": {"object": "bucket-12/photos/cat.png"}},
                  {"source": "com.example.orders.1999", "detail": {"object": "bucket/1001/photos/1500-1997/x.png"}}):
        expected = {i for i, p in patterns.items() if p.matches(event)}
        tried.clear()
        assert expected and index.match(event) == expected
        assert len(tried) < 40


def test_wildcards_with_a_literal_of_their_own_are_tried_on_a_long_value_only_when_it_holds_that_literal(
        monkeypatch):
    # "*<i>*x*" is not answered by the machine's reading of a long value (it needs its literals in
    # order): it is tried when the value holds "<i>", which the machine tells, not for every rule.
    from mock_events.patterns._wildcard import LONG_VALUE

    index = RuleIndex()
    for i in range(1000):
        index.add(i, compile({"x": [{"wildcard": f"*<{i}>*x*"}]}))
    tried = _counting_wildcard_tries(monkeypatch)

    assert index.match({"x": "<7>" + "-" * LONG_VALUE + "<9>x"}) == {7, 9}
    assert len(tried) < 10


def test_rules_coming_and_going_under_literals_of_their_own_leave_no_literal_behind():
    index = RuleIndex()
    index.add("stays", compile({"x": [{"wildcard": "*stay*"}]}))
    for i in range(300):
        index.add(i, compile({"x": [{"wildcard": f"*st{i}*"}]}))
    for i in range(300):
        index.remove(i)

    keys = index._paths["x"].contains.by_key
    assert keys.texts_of == {"stay": {"*stay*"}}
    assert keys._root == {"s": ["stay", {"": "stay"}]}
    assert index.match({"x": "st12 stay"}) == {"stays"}


def test_a_value_along_which_keys_run_deep_at_every_character_gives_the_walk_up_for_trying_each_wildcard():
    # 400 wildcards "*<2 to 21 characters>*" of 20 distinct characters turned round, each key
    # beginning the next longer: along those characters 20 times over, the walk goes about 20 keys
    # deep from each of its 400, 8,000 steps in all; past 8 steps per wildcard the index tries each.
    letters = "abcdefghijklmnopqrst"
    turns = [letters[i:] + letters[:i] for i in range(20)]
    literals = [turn[:k] for turn in turns for k in range(2, 22)]
    index = RuleIndex()
    for i, literal in enumerate(literals):
        index.add(i, compile({"x": [{"wildcard": f"*{literal}*"}]}))
    keys = index._paths["x"].contains.by_key

    assert keys.within(letters * 20, 8 * 400) is None
    assert keys.within(letters * 20, 10**6) == set(literals)
    assert keys.within("xyz" + letters[3:9], 8 * 400) == {literal for literal in literals if literal in letters[3:9]}
    assert index.match({"x": letters * 20}) == set(range(400))
    assert index.match({"x": letters[5:]}) == {i for i, literal in enumerate(literals) if literal in letters[5:]}


def test_keys_that_begin_and_part_from_one_another_are_each_found_and_leave_no_node_behind():
    keys = [None, "ab", "abcdefgh", "abcdefghi", "abcdefghij", "abcdefghX", "bcdefghij", "zyxwvutsrqpo"]
    index = RuleIndex()
    for i, key in enumerate(keys[1:], 1):
        index.add(i, compile({"x": [{"wildcard": f"*{key}*"}]}))
    contains = index._paths["x"].contains

    for value in ["abcdefghij", "abcdefgh", "xabcdefghX", "zyxwvutsrqp", "-zyxwvutsrqpo-", "abcdefghi"]:
        assert contains.by_key.within(value, 10**6) == {key for key in keys[1:] if key in value}
        assert index.match({"x": value}) == {i for i, key in enumerate(keys) if key and key in value}
    for i in range(1, len(keys)):
        index.remove(i)
    assert contains.by_key._root == {} and contains.by_key.texts_of == {}


def test_the_literals_wildcards_are_keyed_by_take_memory_bounded_per_literal_however_long():
    # 300 rules (the default quota) "*<1,900 characters>*": the index keeps what finds them by their
    # literals in memory bounded per literal, not a node per character (which took 105 MB).
    import random
    import tracemalloc

    from mock_events.patterns._index import _Keys

    rng = random.Random(7)
    literals = ["".join(rng.choices("abcdefghij", k=1900)) for _ in range(300)]
    keys = _Keys()
    tracemalloc.start()
    try:
        for literal in literals:
            keys.add(literal, f"*{literal}*")
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()

    assert held < 2 * 1024 * 1024
    assert keys.within(f"<{literals[5]}>", 10**6) == {literals[5]}
    assert keys.within(f"<{literals[5][:-1]}>", 10**6) == set()
