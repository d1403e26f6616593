"""Diagnostics: why an event did or did not reach a target, one call away in the test."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import boto3
import pytest

from conftest import load_corpus
from mock_events.patterns import compile

QUEUE = "arn:aws:sqs:us-east-1:123456789012:orders"
AUDIT = "arn:aws:sqs:us-east-1:123456789012:audit"
PATTERN = {"source": ["shop"], "detail": {"state": [{"prefix": "ord"}]}}
ENTRY = {"Source": "shop", "DetailType": "Order", "Detail": json.dumps({"state": "ordered", "n": 3})}


def rule(events, name="orders", pattern=PATTERN, targets=({"Id": "q", "Arn": QUEUE},), bus="default"):
    events.put_rule(Name=name, EventPattern=json.dumps(pattern), EventBusName=bus)
    events.put_targets(Rule=name, EventBusName=bus, Targets=list(targets))


# -- a pattern explains itself ---------------------------------------------------------------

def test_an_explanation_is_true_exactly_when_the_pattern_matches() -> None:
    pattern = compile(PATTERN)
    event = {"source": "shop", "detail": {"state": "ordered"}}
    assert bool(pattern.explain(event)) is pattern.matches(event) is True
    assert str(pattern.explain(event)) == "matched"


def test_the_field_that_decided_a_miss_is_given_in_the_patterns_own_words() -> None:
    explanation = compile(PATTERN).explain({"source": "shop", "detail": {"state": "shipped"}})
    (branch,) = explanation.branches
    field = branch.deciding_field
    assert (field.path, field.asked, field.values, field.matched) == (
        "detail.state", [{"prefix": "ord"}], ["shipped"], False
    )
    assert str(explanation) == 'no match: detail.state: asked [{"prefix": "ord"}], event had "shipped": did not match'


def test_a_field_the_event_lacks_is_said_to_be_missing() -> None:
    explanation = compile(PATTERN).explain({"source": "shop", "detail": {}})
    field = explanation.branches[0].deciding_field
    assert field.values is None
    assert "no such field" in str(explanation)


def test_each_or_alternative_is_explained_as_a_branch() -> None:
    pattern = compile({"detail": {"$or": [{"a": [1]}, {"b": [{"numeric": [">", 5]}]}]}})
    explanation = pattern.explain({"detail": {"a": 2, "b": [1, 2]}})
    assert not explanation
    assert [b.deciding_field.path for b in explanation.branches] == ["detail.a", "detail.b"]
    assert explanation.branches[1].deciding_field.values == [1, 2]
    assert str(explanation).startswith("no match in any of 2 branches:")
    assert "branch 2 of 2" in str(pattern.explain({"detail": {"a": 2, "b": 9}}))


def test_explanations_agree_with_matching_on_every_corpus_case() -> None:
    for case in load_corpus("event_patterns.json"):
        if "result" not in case["expected"]:
            continue
        pattern, event = compile(case["pattern"]), json.loads(case["event"])
        assert bool(pattern.explain(event)) is pattern.matches(event) is case["expected"]["result"], case["name"]


# -- the mock explains an event on a bus -----------------------------------------------------

def test_explain_says_which_rules_match_and_what_each_target_receives(events, events_mock) -> None:
    transformer = {"InputPathsMap": {"s": "$.detail.state"}, "InputTemplate": '{"state": <s>}'}
    rule(events, targets=[{"Id": "q", "Arn": QUEUE, "InputTransformer": transformer}])
    rule(events, name="audit", pattern={"source": ["audit"]}, targets=[{"Id": "a", "Arn": AUDIT}])
    report = events_mock.explain(ENTRY)
    assert report and [r.name for r in report.matched] == ["orders"]
    (preview,) = report.rule("orders").targets
    assert json.loads(preview.payload) == {"state": "ordered"}
    assert not report.rule("audit")
    assert 'source: asked ["audit"], event had "shop"' in str(report)
    assert events_mock.deliveries() == [] and events_mock.events() == []


def test_explain_says_a_rule_is_disabled_or_schedule_only(events, events_mock) -> None:
    rule(events)
    events.disable_rule(Name="orders")
    events.put_rule(Name="nightly", ScheduleExpression="rate(1 day)")
    report = events_mock.explain(ENTRY)
    assert not report
    assert report.rule("orders").status == "disabled" and report.rule("orders").explanation
    assert report.rule("nightly").status == "schedule only"
    assert "DISABLED" in str(report) and "schedule-only" in str(report)


def test_explain_names_the_managed_rule_of_an_archive(events, events_mock) -> None:
    bus_arn = events.describe_event_bus()["Arn"]
    events.create_archive(ArchiveName="all", EventSourceArn=bus_arn)
    (managed,) = events_mock.explain(ENTRY).rules
    assert managed.managed_by is not None and f"managed by {managed.managed_by}" in str(managed)


def test_explain_says_when_a_transform_drops_the_event(events, events_mock) -> None:
    transformer = {"InputPathsMap": {"s": "$.detail.state"}, "InputTemplate": '{"state": <s>'}
    rule(events, targets=[{"Id": "q", "Arn": QUEUE, "InputTransformer": transformer}])
    (preview,) = events_mock.explain(ENTRY).rule("orders").targets
    assert preview.payload is None and "not valid JSON" in preview.dropped


def test_explain_takes_a_full_envelope_and_a_bus_by_arn(events, events_mock) -> None:
    arn = events.create_event_bus(Name="shop-bus")["EventBusArn"]
    rule(events, bus="shop-bus")
    envelope = {"source": "shop", "detail-type": "Order", "detail": {"state": "order-7"}}
    assert events_mock.explain(envelope, bus=arn).rule("orders")
    assert events_mock.explain(envelope, bus="shop-bus").bus_arn == arn


def test_explain_on_a_bus_that_does_not_exist_says_the_event_is_dropped(events_mock) -> None:
    report = events_mock.explain(ENTRY, bus="nowhere")
    assert not report and not report.bus_exists and "does not exist" in str(report)


# -- assertions on deliveries ----------------------------------------------------------------

def test_assert_delivered_passes_for_a_delivery_and_its_count(events, events_mock) -> None:
    rule(events)
    events.put_events(Entries=[ENTRY, ENTRY])
    events_mock.assert_delivered(QUEUE)
    events_mock.assert_delivered(QUEUE, count=2)
    with pytest.raises(AssertionError, match="expected 3 deliveries to .*orders, found 2"):
        events_mock.assert_delivered(QUEUE, count=3)
    with pytest.raises(AssertionError, match="expected 1 delivery to .*orders, found 2"):
        events_mock.assert_delivered(QUEUE, count=1)


def test_where_is_an_event_pattern_over_the_delivered_json_or_a_callable(events, events_mock) -> None:
    rule(events)
    events.put_events(Entries=[ENTRY])
    events_mock.assert_delivered(QUEUE, where={"detail": {"n": [{"numeric": [">", 2]}]}})
    events_mock.assert_delivered(QUEUE, where=lambda d: d.json()["detail"]["n"] == 3)
    events_mock.assert_not_delivered(QUEUE, where={"detail": {"state": ["cancelled"]}})
    with pytest.raises(AssertionError, match="found 0"):
        events_mock.assert_delivered(QUEUE, where={"detail": {"state": ["cancelled"]}})


def test_a_failed_assert_delivered_shows_what_was_received_and_a_likely_typo(events, events_mock) -> None:
    rule(events)
    events.put_events(Entries=[ENTRY])
    typo = QUEUE[:-1] + "z"
    with pytest.raises(AssertionError) as failure:
        events_mock.assert_delivered(typo)
    message = str(failure.value)
    assert f"{typo} received nothing." in message
    assert f"Deliveries went to:\n  - {QUEUE} (1)" in message
    assert f"Did you mean {QUEUE}?" in message
    assert f"No rule targets {typo}." in message


def test_a_failed_assert_delivered_says_why_each_rule_missed_recent_events(events, events_mock) -> None:
    rule(events)
    events.put_events(Entries=[{**ENTRY, "Detail": '{"state": "shipped"}'}])
    with pytest.raises(AssertionError) as failure:
        events_mock.assert_delivered(QUEUE)
    message = str(failure.value)
    assert "rule/orders, the last 1 event(s) on arn:aws:events:us-east-1:123456789012:event-bus/default" in message
    assert 'detail.state: asked [{"prefix": "ord"}], event had "shipped": did not match' in message


def test_assert_not_delivered_lists_the_unexpected_deliveries(events, events_mock) -> None:
    rule(events)
    events_mock.assert_not_delivered(QUEUE)
    events.put_events(Entries=[ENTRY])
    with pytest.raises(AssertionError) as failure:
        events_mock.assert_not_delivered(QUEUE)
    assert "expected no delivery" in str(failure.value)
    assert """rule orders, attempt 1: event 'shop' 'Order' detail {"state":"ordered","n":3}""" in str(failure.value)


# -- what reached no target ------------------------------------------------------------------

def test_an_event_no_rule_matched_is_undelivered_with_its_reason(events, events_mock) -> None:
    rule(events)
    event_id = events.put_events(Entries=[{**ENTRY, "Source": "elsewhere"}])["Entries"][0]["EventId"]
    (missed,) = events_mock.undelivered()
    assert missed.event["id"] == event_id and missed.reason == "No rule of the bus matched the event."


def test_an_undelivered_event_is_recorded_at_the_time_of_the_call_that_put_it(events, events_mock) -> None:
    events_mock.clock.freeze()
    rule(events)
    put_at = events_mock.clock.now()
    old = datetime(2001, 2, 3, tzinfo=timezone.utc)
    events.put_events(Entries=[{**ENTRY, "Source": "elsewhere"}, {**ENTRY, "Source": "elsewhere", "Time": old}])
    events.disable_rule(Name="orders")
    events_mock.clock.advance(timedelta(minutes=5))
    events.put_events(Entries=[ENTRY])
    assert [(m.reason, m.time) for m in events_mock.undelivered()] == [
        ("No rule of the bus matched the event.", put_at),
        ("No rule of the bus matched the event.", put_at),  # an event's own Time is not when it was put
        ("Only disabled rules matched the event: orders.", put_at + timedelta(minutes=5)),
    ]


def test_an_event_only_a_disabled_rule_matched_is_undelivered(events, events_mock) -> None:
    rule(events)
    events.disable_rule(Name="orders")
    events.put_events(Entries=[ENTRY])
    (missed,) = events_mock.undelivered()
    assert missed.reason == "Only disabled rules matched the event: orders."


def test_an_event_a_transform_dropped_is_undelivered(events, events_mock) -> None:
    transformer = {"InputPathsMap": {"s": "$.detail.state"}, "InputTemplate": '{"state": <s>'}
    rule(events, targets=[{"Id": "q", "Arn": QUEUE, "InputTransformer": transformer}])
    events.put_events(Entries=[ENTRY])
    (missed,) = events_mock.undelivered()
    assert missed.target_arn == QUEUE and "not valid JSON" in missed.reason


def test_a_refused_forward_to_another_accounts_bus_is_undelivered(events, events_mock) -> None:
    other_bus = "arn:aws:events:us-east-1:222222222222:event-bus/default"
    boto3.client(
        "events", region_name="us-east-1", aws_access_key_id="222222222222", aws_secret_access_key="x"
    ).describe_event_bus()
    rule(events, targets=[{"Id": "b", "Arn": other_bus}])
    events.put_events(Entries=[ENTRY])
    (missed,) = events_mock.undelivered()
    assert missed.target_arn == other_bus and "not authorized" in missed.reason


def test_events_delivered_or_replayed_are_not_undelivered(events, events_mock) -> None:
    rule(events)
    events.put_events(Entries=[ENTRY])
    assert events_mock.undelivered() == []


# -- pytest: a failing test's report says what the mock saw ----------------------------------

pytest_plugins = ["pytester"]

FAILING_TEST = """
import boto3
from mock_events import mock_events

@mock_events
def test_fails():
    events = boto3.client("events", region_name="us-east-1")
    events.put_rule(Name="orders", EventPattern='{"source": ["shop"]}')
    events.put_events(Entries=[{"Source": "elsewhere", "DetailType": "x", "Detail": "{}"}])
    assert False, "the order never arrived"
"""


def test_a_failing_test_that_used_the_mock_reports_what_it_saw(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(FAILING_TEST)
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*- mock-events -*", "*rule orders [[]ENABLED[]]*", "events put: 1", "reached no target: 1"])


def test_the_report_section_can_be_turned_off(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(FAILING_TEST)
    result = pytester.runpytest("-p", "no:randomly", "--no-mock-events-report")
    result.assert_outcomes(failed=1)
    assert "- mock-events -" not in result.stdout.str()
    pytester.makeini("[pytest]\nmock_events_report = false\n")
    assert "- mock-events -" not in pytester.runpytest("-p", "no:randomly").stdout.str()


def test_a_failed_assert_delivered_is_reported_at_the_test_s_line_not_inside_the_mock(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile("""
import boto3

def test_paid_orders(events_mock):
    boto3.client("events", region_name="us-east-1").put_events(
        Entries=[{"Source": "shop", "DetailType": "x", "Detail": "{}"}])
    events_mock.assert_delivered("arn:aws:sqs:us-east-1:123456789012:paid")
""")
    result = pytester.runpytest("-p", "no:randomly", "--no-mock-events-report")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([">*events_mock.assert_delivered(*", "E*expected a delivery to *:paid, found 0"])
    output = result.stdout.str()
    assert "diagnostics.py" not in output and "mock_events/mock.py" not in output and "def check_delivered" not in output


def test_a_passing_test_gets_no_report_section(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(FAILING_TEST.replace('assert False, "the order never arrived"', "pass"))
    result = pytester.runpytest("-p", "no:randomly", "-rA")
    result.assert_outcomes(passed=1)
    assert "- mock-events -" not in result.stdout.str()

