"""Fuzzed requests for every operation: an answer that fits the model, or an AWS error, never a crash.

Requests are generated from each operation's input shape in botocore's model: valid values
(numbers up to their bounds, or Java's int and long where the model sets none; timestamps from
the year 1 to the year 9999), now and then every optional member at once; values that break a
constraint (length, pattern, enum, range, a missing required member, a wrong type); and hostile
strings (odd Unicode, escaped and raw lone surrogates, huge values, JSON nested to 999, 1,000,
1,001 and more levels, malformed JSON, NaN-like and overflowing numbers, patterns and input
templates). They are sent through a boto3 client with client-side validation off, so
everything reaches the mock.

Every request must get either a response (every mock of the suite checks it against the output
shape; a mismatch raises OutputShapeError, failing the test) or an error whose code the operation models, or a
generic AWS error; never InternalException (a bug of ours, RecursionError included), another
Python exception, or a hang. A refused request must change nothing, and neither may a
PutEvents or PutPartnerEvents whose every entry was refused.
"""

from __future__ import annotations

import functools
import json
import re
import signal
import threading
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.model import Shape
from hypothesis import HealthCheck, given, settings, strategies as st

from mock_events import EventsMock, jsontext
from mock_events.model import _regex, operation_model, service_model
from conftest import profile_examples

ACCOUNT = "123456789012"
OTHER_ACCOUNT = "210987654321"
REGION = "us-east-1"
QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:q"
BUS = "fuzz-bus"
RULE = "fuzz-rule"
BUS_ARN = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/{BUS}"
ARCHIVE = "fuzz-archive"
CONNECTION = "fuzz-connection"
DESTINATION = "fuzz-destination"

OPERATIONS = sorted(service_model().operation_names)
# Operations with much logic of their own get more examples; every operation gets some.
HEAVY = {
    "PutEvents": 260, "PutRule": 200, "PutTargets": 200, "TestEventPattern": 260,
    "PutPermission": 80, "TagResource": 60, "CreateEventBus": 60, "UpdateEventBus": 40,
    "RemovePermission": 40, "StartReplay": 40, "CreateArchive": 40, "CreateConnection": 40,
    "CreateApiDestination": 40, "CreateEndpoint": 40,
}
LIGHT = 25
SECONDS_PER_CALL = 10  # a call that takes longer hangs

# Errors any operation may answer besides those its model lists.
GENERIC_ERRORS = {"ValidationException", "SerializationException", "InvalidToken", "AccessDeniedException"}
# Errors outside an operation's model that the mock answers on purpose, with the reason.
UNMODELED_ON_PURPOSE = {
    # AWS routes PutEvents with EndpointId to the endpoint's own host name: an unknown endpoint
    # fails before reaching EventBridge; the mock names the missing endpoint instead.
    ("PutEvents", "ResourceNotFoundException"),
}
COUNTS: Counter[str] = Counter()
"""Examples run, and how each ended, per operation (read by tests of this module only)."""


# -- hostile values -----------------------------------------------------------------------------
def _nested(depth: int, kind: str = "list") -> str:
    return ("[" * depth + "]" * depth) if kind == "list" else ('{"a":' * depth + "1" + "}" * depth)


HOSTILE_STRINGS = [
    "", " ", "\x00", "\t\n", "\ud800", "a\udfffb", "\u202eevil", "😀" * 40, "ǅ" * 300, "null",
    "true", "[]", "{}", "{", "}", '"', "\\", "'", "NaN", "-NaN", "Infinity", "-Infinity",
    "1e999", "-1e999", "-0", "0x10", "1" * 5000, "1." + "0" * 400, "$", "$.detail",
    "$..*", "$[", "<aws.events.event>", "<aws.events.event.json>", "<>", "<a", "${x}", "%s%n",
    "rate(1 minute)", "cron(* * * * ? *)", "arn:aws:events:us-east-1:123456789012:event-bus/fuzz-bus",
    "arn:aws:events:us-east-1:123456789012:rule/fuzz-rule", "arn:", "arn:aws:events:::",
    "a" * 257, "a" * 2049, "a" * 70_000, "x" * 300_000, _nested(5000), _nested(5000, "object"),
    '{"a": NaN}', '{"a": Infinity}', '{"a": 1e999}', '{"a": -0.0}', '{"a": ' + "9" * 5000 + "}",
    '{"a": 1}{"b": 2}', '{"a": "\\ud800"}', '{"a":"\u0000"}', '{"a": [' + "1," * 5000 + "1]}",
]

JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
NUMBERS = st.one_of(
    st.integers(min_value=-(2**64), max_value=2**64),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, -0.0, 1e308, -1e308, 5e-324, 2**53 + 1, 10**18]),
)
_RAW_NUMBERS = st.sampled_from([
    "NaN", "Infinity", "-Infinity", "1e999", "-1e309", "-0", "1" * 400, "0.1e-999", "1.7976931348623157e308",
    "4.9e-324", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809",
])
# Text that is odd as Unicode: combining marks, zero-width and bidirectional controls, a byte order
# mark, line separators, astral characters, escaped surrogate pairs and escaped lone surrogates.
ODD_UNICODE = [
    "東京", "e\u0301", "\u200b", "\u202eevil", "\ufeff", "\u2028\u2029", "😀", "\ud83d\ude00",
    "\ud800", "\udfff", "\ud83d", "a\u0000b", "ǅ", "\uffff", "\U0001F600",
]


def _raw_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _with_raw_number(text: str, raw: str) -> str:
    """``text`` with its first number token replaced by ``raw`` (NaN-like numbers as JSON sees them)."""
    return re.sub(r"-?\b\d+(\.\d+)?([eE][-+]?\d+)?\b", raw, text, count=1)


def _deep(levels: int, kind: str) -> str:
    """A JSON object nested ``levels`` deep (itself the first level), through objects or arrays."""
    if kind == "object":
        return '{"a":' * (levels - 1) + "{}" + "}" * (levels - 1)
    return '{"a":' + "[" * (levels - 2) + "1" + "]" * (levels - 2) + "}"


@st.composite
def details(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from([
        "object", "object", "raw-number", "raw-number", "hostile", "any", "deep", "deep", "huge",
        "unicode", "unicode", "reported", "reported",
    ]))
    if kind == "reported":  # the inputs issue 11 reports, each once a crash or a silent acceptance
        return draw(st.sampled_from(REPORTED_DETAILS))
    if kind == "object":
        return _raw_json(draw(st.dictionaries(st.text(max_size=10), JSON_VALUES, max_size=6)))
    if kind == "deep":  # PutEvents processes JSON nested up to 1,000 levels
        return _deep(draw(st.sampled_from([999, 1000, 1001, 2000])), draw(st.sampled_from(["object", "array"])))
    if kind == "huge":
        return draw(st.sampled_from([
            _raw_json({"s": "x" * 200_000}), _raw_json({f"k{i}": i for i in range(5000)}),
            _raw_json({"l": list(range(20_000))}), _raw_json({"s": "東" * 90_000}),
        ]))
    if kind == "unicode":  # written raw, so escapes stay escapes for the mock's JSON reader
        key, value = draw(st.sampled_from(ODD_UNICODE)), draw(st.sampled_from(ODD_UNICODE))
        return '{"' + key + '": "' + value + '"}'
    if kind == "raw-number":
        base = _raw_json(draw(st.dictionaries(st.text(max_size=5), NUMBERS, min_size=1, max_size=3)))
        return _with_raw_number(base, draw(_RAW_NUMBERS))
    if kind == "hostile":
        return draw(st.sampled_from(HOSTILE_STRINGS))
    return draw(st.text(max_size=40))


REPORTED_DETAILS = [
    '{"a": NaN}', '{"a": Infinity}', '{"a": -Infinity}', '{"a":"\\ud800"}', _deep(990, "object"),
    '{"a": 1e999}', '{"a": 9223372036854775808}',
]


FIELDS = ["source", "detail-type", "account", "region", "resources", "time", "id", "detail"]
DETAIL_FIELDS = ["detail.a", "detail.b.c", "detail", "detail.x.y.z"]


_TEXT = st.one_of(st.text(max_size=8), st.sampled_from(["*", "**", "\\*", "a*b*c*d*e", "\\", "ǅ", "😀"]))
VALID_MATCHERS = st.one_of(
    st.one_of(st.text(max_size=8), st.integers(-(10**9), 10**9), st.booleans(), st.none()),
    st.builds(lambda v: {"prefix": v}, _TEXT),
    st.builds(lambda v: {"suffix": v}, _TEXT),
    st.builds(lambda v: {"equals-ignore-case": v}, _TEXT),
    st.builds(lambda v: {"wildcard": v}, _TEXT),
    st.builds(lambda v: {"prefix": {"equals-ignore-case": v}}, _TEXT),
    st.builds(lambda v: {"anything-but": v}, st.one_of(_TEXT, st.integers(), st.lists(_TEXT, min_size=1, max_size=3))),
    st.builds(lambda k, v: {"anything-but": {k: v}}, st.sampled_from(["prefix", "suffix", "wildcard", "equals-ignore-case"]), _TEXT),
    st.builds(lambda o, n: {"numeric": [o, n]}, st.sampled_from(["<", "<=", "=", ">", ">="]),
              st.one_of(st.integers(-(5 * 10**9), 5 * 10**9), st.floats(-5e9, 5e9))),
    st.builds(lambda a, b: {"numeric": [">", a, "<=", b]}, st.integers(-100, 0), st.integers(1, 100)),
    st.builds(lambda v: {"exists": v}, st.booleans()),
    st.builds(lambda v: {"cidr": v}, st.sampled_from(["10.0.0.0/8", "::/0", "1.2.3.4/32", "fe80::/10"])),
)


@st.composite
def matchers(draw: st.DrawFn) -> Any:
    """Mostly matchers AWS accepts; now and then a broken operator or value."""
    if draw(st.integers(0, 5)):
        return draw(VALID_MATCHERS)
    op = draw(st.sampled_from(["prefix", "suffix", "anything-but", "numeric", "exists", "cidr", "wildcard",
                               "equals-ignore-case", "unknown-op"]))
    return {op: draw(st.one_of(JSON_VALUES, st.lists(st.one_of(st.sampled_from(["<", ">", "="]), NUMBERS, JSON_SCALARS), max_size=5)))}


@st.composite
def pattern_objects(draw: st.DrawFn, depth: int = 0) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for _ in range(draw(st.integers(1, 4))):
        key = draw(st.one_of(st.sampled_from(FIELDS + DETAIL_FIELDS), st.text(max_size=6)))
        if key.startswith("detail.") or key == "detail":
            node: Any = {}
            parts = key.split(".")[1:] or ["a"]
            cursor = node
            for part in parts[:-1]:
                cursor = cursor.setdefault(part, {})
            cursor[parts[-1]] = draw(st.lists(matchers(), min_size=1, max_size=3))
            out["detail"] = node
        else:
            out[key] = draw(st.lists(matchers(), min_size=1, max_size=4)) if draw(st.integers(0, 7)) else draw(JSON_VALUES)
    if depth < 2 and draw(st.booleans()):
        out["$or"] = draw(st.lists(pattern_objects(depth + 1), max_size=3))
    return out


@st.composite
def event_patterns(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["object"] * 5 + ["raw-number", "hostile", "deep"]))
    if kind == "object":
        return _raw_json(draw(pattern_objects()))
    if kind == "raw-number":
        return _with_raw_number(_raw_json({"detail": {"n": [{"numeric": [">", 1]}]}}), draw(_RAW_NUMBERS))
    if kind == "deep":
        depth = draw(st.sampled_from([50, 500, 3000]))
        return '{"detail":' + '{"a":' * depth + '["x"]' + "}" * depth + "}"
    return draw(st.sampled_from(HOSTILE_STRINGS))


@st.composite
def sample_events(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 5)) == 0:
        return draw(st.one_of(st.sampled_from(HOSTILE_STRINGS), st.text(max_size=30)))
    event: dict[str, Any] = {
        "id": draw(st.sampled_from(["1", "e5b7e3a4-4b2c-4c0c-9d4f-1d2d0f7b8a01"])),
        "account": draw(st.sampled_from([ACCOUNT, "1", ""])),
        "source": draw(st.text(max_size=8)),
        "time": draw(st.sampled_from(["2024-01-01T00:00:00Z", "yesterday", ""])),
        "region": REGION,
        "resources": draw(st.lists(st.text(max_size=5), max_size=2)),
        "detail-type": draw(st.text(max_size=8)),
        "detail": draw(st.dictionaries(st.sampled_from(["a", "b", "n"]), JSON_VALUES, max_size=3)),
    }
    for key in draw(st.lists(st.sampled_from(list(event)), max_size=2)):
        event.pop(key, None)
    text = _raw_json(event)
    if draw(st.integers(0, 4)) == 0:
        text = _with_raw_number(text, draw(_RAW_NUMBERS))
    return text


@st.composite
def templates(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.one_of(
        st.sampled_from(['{"k": ', "}", '"', "<p>", "<aws.events.rule-arn>", "<aws.events.event>",
                         "<aws.events.event.json>", "<aws.events.ingestion-time>", "<nope>", '"<p>"',
                         "[", "]", ",", "\\", "\n", "<", ">", "<<p>>"]),
        st.text(max_size=6),
    ), max_size=10))
    return "".join(parts)


@st.composite
def input_paths(draw: st.DrawFn) -> str:
    return draw(st.one_of(
        st.sampled_from(["$", "$.detail", "$.detail.a", "$.detail.a[0]", "$.detail[*]", "$..a",
                         "$['detail']", "detail", "$.", "$.detail.a.b.c.d", "$.source", "$[?(@.a)]"]),
        st.text(max_size=10).map(lambda s: "$." + s),
    ))


def schedules() -> st.SearchStrategy[str]:
    field = st.one_of(st.sampled_from(["*", "?", "0", "59", "60", "1-5", "MON-FRI", "L", "W", "5W", "3#2", "*/5", "0/0", "1,2,3", "JAN", "-1", "99999999999999999999"]), st.text(max_size=3))
    return st.one_of(
        st.builds(lambda n, u: f"rate({n} {u})", st.one_of(st.integers(-2, 10**20), st.text(max_size=3)),
                  st.sampled_from(["minute", "minutes", "hour", "hours", "day", "days", "second", "years", ""])),
        st.lists(field, min_size=0, max_size=7).map(lambda fs: f"cron({' '.join(fs)})"),
        st.sampled_from(["rate(1 minute)", "cron(0 12 * * ? *)", "cron(0 0 29 2 ? 2100)", "at(2030-01-01T00:00:00)"]),
        # Boundary rates: the first fire past the year 9999, the largest Java int, one more.
        st.sampled_from(["rate(69890632 hours)", "rate(2147483647 days)", "rate(2147483648 minutes)",
                         "rate(3000000 days)", "cron(59 23 31 12 ? 2199)", "cron(0 0 1 1 ? 1970)"]),
    )


@st.composite
def policies(draw: st.DrawFn) -> str:
    statement = draw(st.fixed_dictionaries({}, optional={
        "Sid": st.text(max_size=6), "Effect": st.sampled_from(["Allow", "Deny", "Maybe"]),
        "Principal": st.one_of(st.just("*"), st.fixed_dictionaries({"AWS": st.sampled_from([OTHER_ACCOUNT, "*", f"arn:aws:iam::{OTHER_ACCOUNT}:root"])}), JSON_VALUES),
        "Action": st.one_of(st.just("events:PutEvents"), JSON_VALUES),
        "Resource": st.one_of(st.just(f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default"), JSON_VALUES),
        "Condition": JSON_VALUES,
    }))
    policy = draw(st.one_of(
        st.fixed_dictionaries({"Version": st.just("2012-10-17"), "Statement": st.one_of(st.lists(st.just(statement), max_size=2), st.just(statement), JSON_VALUES)}),
        JSON_VALUES,
    ))
    return draw(st.one_of(st.just(_raw_json(policy)), st.sampled_from(HOSTILE_STRINGS)))


def _tokens() -> st.SearchStrategy[str]:
    import base64

    def encode(v: Any) -> str:
        return base64.urlsafe_b64encode(json.dumps(v).encode()).decode()

    return st.one_of(
        st.sampled_from(HOSTILE_STRINGS),
        JSON_VALUES.map(encode),
        st.text(max_size=10).map(lambda s: encode({"after": s})),
    )


# Realistic values by member name: they name the resources every example starts with.
KNOWN: dict[str, st.SearchStrategy[Any]] = {
    "EventBusName": st.sampled_from(["default", BUS, "missing-bus", f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/{BUS}",
                                     f"arn:aws:events:{REGION}:{OTHER_ACCOUNT}:event-bus/default",
                                     f"arn:aws:events:eu-west-1:{ACCOUNT}:event-bus/default"]),
    "Name": st.sampled_from(["default", BUS, RULE, CONNECTION, DESTINATION, "new-thing", "missing"]),
    "ArchiveName": st.sampled_from([ARCHIVE, "new-archive", "missing"]),
    "ReplayName": st.sampled_from(["new-replay", "missing"]),
    "EventSourceArn": st.sampled_from([BUS_ARN, f"arn:aws:events:{REGION}:{ACCOUNT}:archive/{ARCHIVE}",
                                       f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/missing"]),
    "Rule": st.sampled_from([RULE, "missing-rule"]),
    "Arn": st.sampled_from([QUEUE, f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/{BUS}",
                            f"arn:aws:events:{REGION}:{OTHER_ACCOUNT}:event-bus/default",
                            f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:f", "not-an-arn",
                            f"arn:aws:events:{REGION}:{ACCOUNT}:archive/missing"]),
    "ResourceARN": st.sampled_from([f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{RULE}",
                                    f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{BUS}/{RULE}",
                                    f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/{BUS}",
                                    f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/missing",
                                    f"arn:aws:events:{REGION}:{ACCOUNT}:archive/a", f"arn:aws:sqs:{REGION}:{ACCOUNT}:q",
                                    "arn:aws:events:::rule/x", "arn:aws:events:us-east-1:acct:event-bus/b"]),
    "TargetArn": st.sampled_from([QUEUE, "missing"]),
    "Id": st.sampled_from(["t1", "t2", "t3", "t4", "t5", "t6"]),
    "Principal": st.sampled_from(["*", OTHER_ACCOUNT, ACCOUNT]),
    "Action": st.sampled_from(["events:PutEvents", "events:PutRule", "events:"]),
    "StatementId": st.sampled_from(["s1", "s2", "seed"]),
    "EventPattern": event_patterns(),
    "Event": sample_events(),
    "Detail": details(),
    "Input": st.one_of(st.just(_raw_json({"a": 1})), templates(), st.sampled_from(HOSTILE_STRINGS)),
    "InputPath": input_paths(),
    "InputTemplate": templates(),
    "ScheduleExpression": schedules(),
    "Policy": policies(),
    "NextToken": _tokens(),
    "Source": st.sampled_from(["orders", "orders", "orders", "aws.events", "aws.partner/x/y"]),
    "DetailType": st.sampled_from(["Order Placed", "Order Placed", "Order Placed", ""]),
    "Key": st.sampled_from(["k1", "k2", "aws:reserved"]),
}


# -- strategies from shapes -----------------------------------------------------------------------
# A request is drawn valid by its shape (names of the seeded resources where the member names
# one, hostile content where the member holds a pattern, template or event), then, in about
# two examples out of five, exactly one member is broken: removed, or replaced by a value that
# breaks its type, length, pattern, enum or range, or by a hostile string.
RARE_MEMBERS = {"EndpointId"}  # routes the call to a host of its own: mostly left out


@functools.cache
def _regex_strategy(pattern: str) -> st.SearchStrategy[str] | None:
    try:
        strategy = st.from_regex(_regex(pattern), fullmatch=True)
        strategy.validate()
        return strategy
    except Exception:  # a Java pattern hypothesis cannot generate from
        return None


def _valid_string(shape: Shape, name: str) -> st.SearchStrategy[Any]:
    meta = shape.metadata
    if name in KNOWN:
        return KNOWN[name]
    if shape.enum:
        return st.sampled_from(shape.enum)
    low, high = meta.get("min", 0), meta.get("max", 64)
    pattern = meta.get("pattern")
    if pattern is not None:
        generated = _regex_strategy(pattern)
        if generated is not None:
            return generated.filter(lambda v: low <= len(v) <= high)
    return st.text(min_size=low, max_size=min(high, 24))


# The largest values the service reads, where the model sets no maximum (Java int and long).
LARGEST = {"integer": 2**31 - 1, "long": 2**63 - 1}


def _valid_number(shape: Shape) -> st.SearchStrategy[int]:
    meta = shape.metadata
    low, high = meta.get("min", 0), meta.get("max", LARGEST[shape.type_name])
    return st.one_of(st.integers(low, min(high, 1000)), st.sampled_from([low, high]))


FIRST = datetime(1, 1, 1, tzinfo=timezone.utc)
LAST = datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=timezone.utc)


def _timestamp() -> st.SearchStrategy[Any]:
    ends = st.sampled_from([FIRST, LAST, FIRST + timedelta(minutes=1), LAST - timedelta(minutes=1)])
    return st.one_of(
        ends,
        st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(9998, 1, 1), timezones=st.just(timezone.utc)),
        st.sampled_from([1, 253402300799, 10**10, 1.5e9, 0]),
        st.sampled_from([FIRST, LAST, FIRST + timedelta(minutes=1), LAST - timedelta(minutes=1),
                         datetime(1969, 12, 31, 23, 59, 59, tzinfo=timezone.utc)]),
    )


_STRATEGIES: dict[tuple[str, str, int], st.SearchStrategy[Any]] = {}


def shape_strategy(shape: Shape, name: str = "", depth: int = 0) -> st.SearchStrategy[Any]:
    """Valid values for ``shape`` (as member ``name``, ``depth`` levels down), built once."""
    key = (shape.name, name, min(depth, 5))
    strategy = _STRATEGIES.get(key)
    if strategy is None:
        strategy = _STRATEGIES[key] = _build(shape, name, depth)
    return strategy


def _build(shape: Shape, name: str, depth: int) -> st.SearchStrategy[Any]:
    t = shape.type_name
    if t == "string":
        return _valid_string(shape, name)
    if t in ("integer", "long"):
        return _valid_number(shape)
    if t == "boolean":
        return st.booleans()
    if t in ("float", "double"):
        return NUMBERS
    if t == "timestamp":
        return _timestamp()
    if t == "list":
        meta = shape.metadata
        member = shape_strategy(shape.member, name, depth + 1)
        low = meta.get("min", 0)
        return st.lists(member, min_size=low, max_size=max(low, min(meta.get("max", 4), 4)))
    if t == "map":
        return st.dictionaries(
            shape_strategy(shape.key, "Key", depth + 1), shape_strategy(shape.value, "Value", depth + 1), max_size=3
        )
    if t == "structure":
        return _structure(shape, depth)
    return st.binary(max_size=8)


@st.composite
def _structure(draw: st.DrawFn, shape: Shape, depth: int) -> dict[str, Any]:
    required = list(shape.required_members)
    optional = [n for n in shape.members if n not in required]
    chosen: list[str] = []
    if optional and depth < 3:
        if draw(st.integers(0, 3)) == 0:  # every member at once, now and then
            chosen = list(optional)
        else:
            chosen = draw(st.lists(st.sampled_from(optional), unique=True, max_size=min(len(optional), 2 if depth else 5)))
        chosen = [n for n in chosen if n not in RARE_MEMBERS or draw(st.integers(0, 9)) == 0]
    return {n: draw(shape_strategy(shape.members[n], n, depth + 1)) for n in required + chosen}


def _breaking(shape: Shape, name: str) -> st.SearchStrategy[Any]:
    """Values that break ``shape``: type, length, pattern, enum or range; or hostile strings."""
    t = shape.type_name
    meta = shape.metadata
    if t == "string":
        high = meta.get("max", 64)
        return st.one_of(
            st.sampled_from(HOSTILE_STRINGS),
            st.sampled_from(["x" * (high + 1), "", "not valid!", "NOT_AN_ENUM_VALUE"]),
            st.text(max_size=30),
            st.sampled_from([1, 1.5, True]),
        )
    if t in ("integer", "long"):
        low, high = meta.get("min", -(2**31)), meta.get("max", 2**31)
        return st.sampled_from([low - 1, high + 1, -1, 0, 2**63, -(2**63), 2**64, "1", 1.5, True])
    if t == "boolean":
        return st.sampled_from(["true", 1])
    if t == "timestamp":
        return st.sampled_from([0, -1, 1e-9, 2**40, "2020-01-01T00:00:00Z", "yesterday"])
    if t == "list":
        high = meta.get("max")
        too_many = (
            st.lists(shape_strategy(shape.member, name, 1), min_size=high + 1, max_size=high + 1)
            if high is not None and high < 60 else st.nothing()
        )
        return st.one_of(too_many, st.just([]))
    if t == "map":
        return st.dictionaries(st.sampled_from(HOSTILE_STRINGS[:20]), st.sampled_from(HOSTILE_STRINGS[:20]), min_size=1, max_size=3)
    return st.nothing()


def _sites(shape: Shape, value: Any, out: list[tuple[Any, Any, Shape, bool]]) -> None:
    """Every place one fault can go: (container, key, shape of the member, required)."""
    t = shape.type_name
    if t == "structure" and isinstance(value, dict):
        required = set(shape.required_members)
        for name, member in shape.members.items():
            out.append((value, name, member, name in required))
            if name in value:
                _sites(member, value[name], out)
    elif t == "list" and isinstance(value, list):
        for i, item in enumerate(value):
            out.append((value, i, shape.member, True))
            _sites(shape.member, item, out)
    elif t == "map" and isinstance(value, dict):
        for k, v in value.items():
            out.append((value, k, shape.value, True))
            _sites(shape.value, v, out)


def _coherent(draw: st.DrawFn, operation: str, request: dict[str, Any]) -> None:
    """Members that only make sense together, made consistent (faults come after)."""
    if operation == "PutRule" and "EventPattern" not in request and "ScheduleExpression" not in request:
        request["EventPattern"] = draw(event_patterns())
    if operation == "PutRule" and "ScheduleExpression" in request and draw(st.booleans()):
        request.pop("EventBusName", None)
    if operation == "PutPermission" and "Policy" not in request:
        for name in ("Action", "Principal", "StatementId"):
            request.setdefault(name, draw(KNOWN[name]))
    if operation == "CreateEndpoint":
        request["EventBuses"] = [
            {"EventBusArn": f"arn:aws:events:{region}:{ACCOUNT}:event-bus/{BUS}"} for region in (REGION, "us-west-2")
        ]


@st.composite
def _requests(draw: st.DrawFn, operation: str) -> dict[str, Any]:
    shape = operation_model(operation).input_shape
    request = draw(_structure(shape, 0))
    _coherent(draw, operation, request)
    if draw(st.integers(0, 4)) < 2:
        sites: list[tuple[Any, Any, Shape, bool]] = []
        _sites(shape, request, sites)
        sites = [s for s in sites if s[1] not in RARE_MEMBERS]
        if sites:
            container, key, member, required = draw(st.sampled_from(sites))
            if required and isinstance(container, dict) and key in container and draw(st.booleans()):
                del container[key]
            else:
                broken = draw(st.one_of(_breaking(member, str(key)), st.just(None)) if required else _breaking(member, str(key)))
                container[key] = broken
    return request


@functools.cache
def request_strategy(operation: str) -> st.SearchStrategy[dict[str, Any]]:
    if operation_model(operation).input_shape is None:
        return st.just({})
    return _requests(operation)


# -- the oracle ---------------------------------------------------------------------------------
def _client() -> Any:
    return boto3.client(
        "events", region_name=REGION,
        config=Config(parameter_validation=False, retries={"max_attempts": 1, "mode": "standard"}),
    )


def _seed(client: Any) -> None:
    """The resources every example starts with (the realistic values above name them)."""
    client.create_event_bus(Name=BUS, Tags=[{"Key": "k1", "Value": "v"}])
    client.put_rule(Name=RULE, EventPattern='{"source":["orders"]}', Tags=[{"Key": "k1", "Value": "v"}])
    client.put_targets(Rule=RULE, Targets=[{"Id": "t1", "Arn": QUEUE, "InputPath": "$.detail"}])
    client.put_rule(Name=RULE, EventBusName=BUS, EventPattern='{"detail":{"a":[{"numeric":[">",0]}]}}')
    client.put_targets(Rule=RULE, EventBusName=BUS, Targets=[{
        "Id": "t1", "Arn": QUEUE,
        "InputTransformer": {"InputPathsMap": {"a": "$.detail.a"}, "InputTemplate": '{"a": <a>}'},
    }])
    client.put_rule(Name="every-minute", ScheduleExpression="rate(1 minute)")
    # A rule of the user's with the name CreateArchive(ArchiveName="new-archive") would give its own.
    client.put_rule(Name="Events-Archive-new-archive", EventBusName=BUS, EventPattern='{"source":["mine"]}')
    client.put_permission(Action="events:PutEvents", Principal=OTHER_ACCOUNT, StatementId="seed")
    client.create_archive(ArchiveName=ARCHIVE, EventSourceArn=BUS_ARN)
    connection = client.create_connection(Name=CONNECTION, AuthorizationType="API_KEY", AuthParameters={
        "ApiKeyAuthParameters": {"ApiKeyName": "k", "ApiKeyValue": "v"}})
    client.create_api_destination(
        Name=DESTINATION, ConnectionArn=connection["ConnectionArn"],
        InvocationEndpoint="https://example.com", HttpMethod="POST")


def _empty_region(snap: dict[str, Any]) -> bool:
    buses = snap["event_buses"]
    if set(buses) != {"default"}:
        return False
    default = buses["default"]
    if default["rules"] or default["policy"] or default["tags"]:
        return False
    return not any(v for k, v in snap.items() if k != "event_buses")


def _state(mock: EventsMock) -> dict[Any, Any]:
    backend = mock._backend
    with backend.lock:
        out: dict[Any, Any] = {key: mock.snapshot(*key) for key in list(backend.regions)}
        out["log"] = (len(backend.log.deliveries), len(backend.log.failures), len(backend.log.events))
    return out


class Hang(Exception):
    pass


def _call_with_watchdog(call: Any, request: dict[str, Any]) -> Any:
    if threading.current_thread() is not threading.main_thread():
        return call(**request)

    def alarm(*_: Any) -> None:
        raise Hang(f"no answer within {SECONDS_PER_CALL} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, SECONDS_PER_CALL)
    try:
        return call(**request)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _outside_mock(error: BaseException) -> bool:
    """True when botocore refused the request itself (serializing it) before the mock saw it."""
    tb = error.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if "/mock_events/" in code.co_filename and code.co_name != "_make_api_call":
            return False
        tb = tb.tb_next
    return True


def check_request(mock: EventsMock, client: Any, operation: str, request: dict[str, Any]) -> str:
    """Send ``request``; assert the outcome is a fitting answer or an AWS error. Return how it ended."""
    method = getattr(client, re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower())
    before = _state(mock)
    try:
        response = _call_with_watchdog(method, request)
        _assert_json_only(mock, operation)
    except ClientError as error:
        code = error.response["Error"]["Code"]
        message = error.response["Error"].get("Message", "")
        assert code != "InternalException", f"{operation} crashed on {request!r}:\n{message}"
        allowed = {s.name for s in operation_model(operation).error_shapes} | GENERIC_ERRORS
        assert code in allowed or (operation, code) in UNMODELED_ON_PURPOSE, f"{operation} answered the unmodeled error {code}: {message}"
        _assert_unchanged(mock, before, f"refused {operation} ({code}: {message[:200]})")
        _assert_json_only(mock, operation)
        return code
    except (Hang, RecursionError):
        raise
    except Exception as error:  # noqa: BLE001 - sorted below: botocore's refusal or our bug
        if _outside_mock(error):
            return "client-side:" + type(error).__name__
        raise
    entries = request.get("Entries")
    if operation in ENTRY_OPERATIONS and isinstance(entries, list) and response["FailedEntryCount"] == len(entries):
        # Every entry refused: as for a refused call, nothing was logged, archived or delivered.
        _assert_unchanged(mock, before, f"{operation} refusing every entry ({response['Entries'][:2]})")
        return "all-entries-failed"
    return "ok"


ENTRY_OPERATIONS = {"PutEvents", "PutPartnerEvents"}


def _assert_json_only(mock: EventsMock, operation: str) -> None:
    """Nothing that is not strict JSON (NaN, Infinity, a lone surrogate) was put on a bus or delivered."""
    for _, event in mock._backend.log.events:
        text = jsontext.dumps(event)  # ValueError for NaN and Infinity
        text.encode("utf-8")  # UnicodeEncodeError for a lone surrogate
    for delivery in mock.deliveries():
        delivery.payload.encode("utf-8")
    for snap in (mock.snapshot(*key) for key in list(mock._backend.regions)):
        for archive in snap["archives"].values():
            for event in archive["events"]:
                jsontext.dumps(event).encode("utf-8")


def _assert_unchanged(mock: EventsMock, before: dict[Any, Any], what: str) -> None:
    for key, snap in _state(mock).items():
        if key in before:
            assert snap == before[key], f"{what} changed {key}"
        else:
            assert _empty_region(snap), f"{what} created resources in {key}"


@pytest.fixture(scope="module")
def fuzz_mock() -> Any:
    with EventsMock(account_id=ACCOUNT, region=REGION) as mock:
        yield mock


@pytest.mark.parametrize("operation", OPERATIONS)
def test_fuzzed_requests_get_an_answer_or_an_aws_error(fuzz_mock: EventsMock, operation: str) -> None:
    client = _client()
    examples = HEAVY.get(operation, LIGHT)

    @settings(
        max_examples=profile_examples(examples), deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                               HealthCheck.large_base_example],
    )
    @given(request=request_strategy(operation))
    def run(request: dict[str, Any]) -> None:
        fuzz_mock.reset()
        _seed(client)
        COUNTS[operation, check_request(fuzz_mock, client, operation, request)] += 1
        COUNTS[operation, "examples"] += 1

    for request in REPORTED_REQUESTS.get(operation, []):
        fuzz_mock.reset()
        _seed(client)
        COUNTS[operation, check_request(fuzz_mock, client, operation, request)] += 1
    run()
    assert COUNTS[operation, "examples"] >= min(examples, 10)


def _entry(detail: str, **extra: Any) -> dict[str, Any]:
    return {"Source": "orders", "DetailType": "Order Placed", "Detail": detail, "EventBusName": BUS, **extra}


_TOKYO = json.dumps({"detail": {"city": ["東京" + str(i) for i in range(150)]}}, ensure_ascii=False)
# Requests issue 11 reports (each once a crash, a silent acceptance or a half-done change), sent
# first, every run; the seeded archive on BUS stores what PutEvents accepts there.
REPORTED_REQUESTS: dict[str, list[dict[str, Any]]] = {
    "PutEvents": [
        {"Entries": [_entry(detail)]} for detail in REPORTED_DETAILS
    ] + [
        {"Entries": [_entry("{}", Time=FIRST)]}, {"Entries": [_entry("{}", Time=LAST)]},
        {"Entries": [_entry(_deep(1000, "object")), _entry(_deep(1001, "array"))]},
    ],
    "PutRule": [
        {"Name": "r4", "ScheduleExpression": "rate(69890632 hours)"},
        {"Name": "r5", "ScheduleExpression": "rate(2147483648 minutes)"},
        {"Name": "tokyo", "EventPattern": _TOKYO},
    ],
    "CreateArchive": [
        {"ArchiveName": "new-archive", "EventSourceArn": BUS_ARN},  # the user's Events-Archive-new-archive
        {"ArchiveName": "tokyo", "EventSourceArn": BUS_ARN, "EventPattern": _TOKYO},
        {"ArchiveName": "full", "EventSourceArn": BUS_ARN, "EventPattern": '{"source":["' + "東" * 2033 + '"]}'},
    ],
    "UpdateArchive": [
        {"ArchiveName": ARCHIVE, "EventPattern": '{"source":["' + "東" * 2033 + '"]}', "Description": "d"},
        {"ArchiveName": ARCHIVE, "EventPattern": '{"a":[1e999]}'},
    ],
    "UpdateConnection": [
        {"Name": CONNECTION, "AuthorizationType": "BASIC", "AuthParameters": {"BasicAuthParameters": {"Username": "u"}}},
        {"Name": CONNECTION, "AuthorizationType": "OAUTH_CLIENT_CREDENTIALS", "AuthParameters": {
            "OAuthParameters": {"AuthorizationEndpoint": "https://a.example.com", "HttpMethod": "GET"}}},
        {"Name": CONNECTION, "AuthParameters": {"ApiKeyAuthParameters": {"ApiKeyName": "k2"}}},
    ],
    "TestEventPattern": [
        {"EventPattern": '{"source":["s"]}', "Event": json.dumps({
            "id": "1", "account": ACCOUNT, "source": "s", "time": "2024-01-01T00:00:00Z", "region": REGION,
            "detail-type": "t", "resources": []})[:-1] + ', "detail": ' + detail + "}"}
        for detail in REPORTED_DETAILS
    ],
}


def test_the_fuzzer_runs_at_least_2000_examples_in_all() -> None:
    assert sum(HEAVY.get(op, LIGHT) for op in OPERATIONS) >= 2000
