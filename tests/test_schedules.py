"""Scheduled rules through boto3: AWS's refusals, and rules that fire as the mock's clock passes."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from botocore.exceptions import ClientError

from conftest import error_of, load_corpus
from mock_events import mock_events

UTC = timezone.utc
QUEUE = "arn:aws:sqs:us-east-1:123456789012:jobs"
START = datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC)


def _schedule_cases() -> list[dict]:
    return [
        c for c in load_corpus("api_errors.json")
        if c["operation"] == "PutRule" and "ScheduleExpression" in c["request"]
    ]


@pytest.fixture
def m(events_mock):  # noqa: ANN001, ANN201
    events_mock.clock.freeze()
    events_mock.clock.set(START)
    return events_mock


@pytest.fixture
def scheduled(events, m):  # noqa: ANN001, ANN201
    """A rate(1 minute) rule with one target, put at START."""
    events.put_rule(Name="every-minute", ScheduleExpression="rate(1 minute)")
    events.put_targets(Rule="every-minute", Targets=[{"Id": "t", "Arn": QUEUE}])
    return events


@pytest.mark.parametrize("case", _schedule_cases(), ids=lambda c: c["request"]["ScheduleExpression"])
def test_conformance_schedule_errors(events, case):
    request = dict(case["request"], Name="rule")
    if request.get("EventBusName") == "<custom bus>":
        events.create_event_bus(Name="custom")
        request["EventBusName"] = "custom"
    with pytest.raises(ClientError) as excinfo:
        events.put_rule(**request)
    assert error_of(excinfo) == (case["error_code"], case["message"])
    assert events.list_rules()["Rules"] == []


def test_conformance_covers_every_schedule_case():
    assert len(_schedule_cases()) == 23


@pytest.mark.parametrize("expression", [
    "rate(1 minute)", "rate(5 minutes)", "rate(1 hour)", "rate(2 hours)", "rate(1 day)", "rate(7 days)",
    "cron(0 2 ? * SAT *)", "cron(0 12 * * ? *)", "cron(5,35 14 * * ? *)", "cron(15 10 ? * 6L 2002-2005)",
    "cron(0 2 ? * SAT#3 *)", "cron(* * ? * SAT#3 *)", "cron(0/5 5 ? JAN 1-5 2022)", "cron(0 8 1 * ? *)",
    "cron(0/15 * * * ? *)", "cron(0/5 8-17 ? * MON-FRI *)", "cron(0 9 LW * ? *)", "cron(0 9 15W * ? *)",
])
def test_accepted_expressions_are_echoed_unchanged(events, expression):
    events.put_rule(Name="r", ScheduleExpression=expression)
    assert events.describe_rule(Name="r")["ScheduleExpression"] == expression
    assert events.list_rules()["Rules"][0]["ScheduleExpression"] == expression


def test_hour_range_past_midnight_from_aws_docs_is_accepted_and_fires_through_the_night(events, m):
    # START is Friday 2024-03-01 12:00 UTC.
    events.put_rule(Name="night", ScheduleExpression="cron(0/30 20-2 ? * MON-FRI *)")
    events.put_targets(Rule="night", Targets=[{"Id": "t", "Arn": QUEUE}])
    m.clock.advance(hours=14)
    assert [d.time.strftime("%a %H:%M") for d in m.deliveries(QUEUE)] == [
        "Fri 20:00", "Fri 20:30", "Fri 21:00", "Fri 21:30", "Fri 22:00", "Fri 22:30", "Fri 23:00", "Fri 23:30",
    ]


def test_rate_rule_first_fires_one_period_after_it_was_put(scheduled, m):
    m.clock.advance(seconds=59)
    assert m.deliveries() == []
    m.clock.advance(seconds=1)
    assert [d.time for d in m.deliveries()] == [START + timedelta(minutes=1)]


def test_rate_rule_fires_once_per_period(scheduled, m):
    m.clock.advance(minutes=10)
    times = [d.time for d in m.deliveries(QUEUE)]
    assert times == [START + timedelta(minutes=k) for k in range(1, 11)]


def test_scheduled_event_envelope(scheduled, m):
    m.clock.advance(minutes=1)
    event = m.deliveries()[0].json()
    assert list(event) == ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"]
    assert event["detail-type"] == "Scheduled Event"
    assert event["source"] == "aws.events"
    assert event["account"] == "123456789012" and event["region"] == "us-east-1"
    assert event["time"] == "2024-03-01T12:01:00Z"
    assert event["resources"] == ["arn:aws:events:us-east-1:123456789012:rule/every-minute"]
    assert event["detail"] == {}


def test_each_scheduled_event_has_its_own_id(scheduled, m):
    m.clock.advance(minutes=3)
    assert len({d.event["id"] for d in m.deliveries()}) == 3


def test_target_input_configuration_applies(events, m):
    events.put_rule(Name="r", ScheduleExpression="rate(1 hour)")
    events.put_targets(Rule="r", Targets=[
        {"Id": "constant", "Arn": QUEUE, "Input": '{"job":"cleanup"}'},
        {"Id": "path", "Arn": QUEUE + "2", "InputPath": "$.time"},
        {"Id": "transformed", "Arn": QUEUE + "3", "InputTransformer": {
            "InputPathsMap": {"t": "$.time"}, "InputTemplate": '{"at": <t>, "rule": "<aws.events.rule-name>"}'}},
    ])
    m.clock.advance(hours=1)
    assert m.deliveries(QUEUE)[0].json() == {"job": "cleanup"}
    assert m.deliveries(QUEUE + "2")[0].json() == "2024-03-01T13:00:00Z"
    assert m.deliveries(QUEUE + "3")[0].json() == {"at": "2024-03-01T13:00:00Z", "rule": "r"}


def test_cron_rule_fires_at_each_matching_minute(events, m):
    events.put_rule(Name="r", ScheduleExpression="cron(0/15 * * * ? *)")
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": QUEUE}])
    m.clock.advance(hours=1)
    assert [d.event["time"] for d in m.deliveries()] == [
        "2024-03-01T12:15:00Z", "2024-03-01T12:30:00Z", "2024-03-01T12:45:00Z", "2024-03-01T13:00:00Z",
    ]


def test_cron_weekday_rule_skips_the_weekend(events, m):
    # 2024-03-01 is a Friday.
    events.put_rule(Name="r", ScheduleExpression="cron(0 9 ? * MON-FRI *)")
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": QUEUE}])
    m.clock.advance(days=7)
    days = [d.event["time"][:10] for d in m.deliveries()]
    assert days == ["2024-03-04", "2024-03-05", "2024-03-06", "2024-03-07", "2024-03-08"]


def test_cron_last_day_of_month(events, m):
    events.put_rule(Name="r", ScheduleExpression="cron(0 0 L * ? *)")
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": QUEUE}])
    m.clock.advance(days=62)
    assert [d.event["time"] for d in m.deliveries()] == ["2024-03-31T00:00:00Z", "2024-04-30T00:00:00Z"]


def test_cron_in_past_years_never_fires(events, m):
    events.put_rule(Name="r", ScheduleExpression="cron(15 10 ? * 6L 2002-2005)")
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": QUEUE}])
    m.clock.advance(days=400)
    assert m.deliveries() == []


def test_disabled_rule_does_not_fire(events, m):
    events.put_rule(Name="r", ScheduleExpression="rate(1 minute)", State="DISABLED")
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": QUEUE}])
    m.clock.advance(minutes=5)
    assert m.deliveries() == []


def test_disable_stops_firing(scheduled, m):
    m.clock.advance(minutes=2)
    scheduled.disable_rule(Name="every-minute")
    m.clock.advance(minutes=5)
    assert len(m.deliveries()) == 2


def test_enable_restarts_the_rate_period(scheduled, m):
    scheduled.disable_rule(Name="every-minute")
    m.clock.advance(seconds=90)
    scheduled.enable_rule(Name="every-minute")
    m.clock.advance(minutes=2)
    assert [d.time for d in m.deliveries()] == [START + timedelta(seconds=150), START + timedelta(seconds=210)]


def test_enabling_an_enabled_rule_keeps_its_period(scheduled, m):
    m.clock.advance(seconds=30)
    scheduled.enable_rule(Name="every-minute")
    m.clock.advance(seconds=30)
    assert [d.time for d in m.deliveries()] == [START + timedelta(minutes=1)]


def test_put_with_the_same_schedule_keeps_the_period(scheduled, m):
    m.clock.advance(seconds=30)
    scheduled.put_rule(Name="every-minute", ScheduleExpression="rate(1 minute)", Description="same")
    m.clock.advance(seconds=30)
    assert [d.time for d in m.deliveries()] == [START + timedelta(minutes=1)]


def test_put_with_a_new_schedule_restarts_from_now(scheduled, m):
    m.clock.advance(seconds=30)
    scheduled.put_rule(Name="every-minute", ScheduleExpression="rate(5 minutes)")
    m.clock.advance(minutes=6)
    assert [d.time for d in m.deliveries()] == [START + timedelta(seconds=330)]


def test_put_without_schedule_stops_firing(scheduled, m):
    scheduled.put_rule(Name="every-minute", EventPattern='{"source":["x"]}')
    m.clock.advance(minutes=5)
    assert m.deliveries() == []


def test_deleted_rule_does_not_fire(scheduled, m):
    scheduled.remove_targets(Rule="every-minute", Ids=["t"])
    scheduled.delete_rule(Name="every-minute")
    scheduled.put_rule(Name="other", EventPattern='{"source":["x"]}')
    m.clock.advance(minutes=5)
    assert m.deliveries() == []


def test_rule_without_targets_fires_into_nothing(events, m):
    events.put_rule(Name="r", ScheduleExpression="rate(1 minute)")
    m.clock.advance(minutes=3)
    assert m.deliveries() == [] and m.failures() == []


def test_target_added_later_receives_later_fires(events, m):
    events.put_rule(Name="r", ScheduleExpression="rate(1 minute)")
    m.clock.advance(minutes=2)
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": QUEUE}])
    m.clock.advance(minutes=1)
    assert [d.time for d in m.deliveries()] == [START + timedelta(minutes=3)]


def test_rule_with_pattern_and_schedule_does_both(events, m):
    events.put_rule(Name="r", ScheduleExpression="rate(1 minute)", EventPattern='{"source":["orders"]}')
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": QUEUE}])
    events.put_events(Entries=[{"Source": "orders", "DetailType": "d", "Detail": "{}"}])
    m.clock.advance(minutes=1)
    assert [d.event["source"] for d in m.deliveries()] == ["orders", "aws.events"]


def test_callback_that_disables_the_rule_stops_it(events, m):
    events.put_rule(Name="r", ScheduleExpression="rate(1 minute)")
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": QUEUE}])
    m.on_target(QUEUE, lambda delivery: events.disable_rule(Name="r"))
    m.clock.advance(minutes=5)
    assert len(m.deliveries()) == 1
    assert events.describe_rule(Name="r")["State"] == "DISABLED"


def test_callback_that_deletes_the_rule_stops_it(events, m):
    events.put_rule(Name="r", ScheduleExpression="rate(1 minute)")
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": QUEUE}])

    def delete(delivery):  # noqa: ANN001, ANN202
        events.remove_targets(Rule="r", Ids=["t"])
        events.delete_rule(Name="r")

    m.on_target(QUEUE, delete)
    m.clock.advance(minutes=5)
    assert len(m.deliveries()) == 1


def test_failing_target_is_retried_and_the_schedule_goes_on(events, m):
    events.put_rule(Name="r", ScheduleExpression="rate(1 minute)")
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": QUEUE, "RetryPolicy": {"MaximumRetryAttempts": 0}}])

    def fail(delivery):  # noqa: ANN001, ANN202
        raise RuntimeError("down")

    m.on_target(QUEUE, fail)
    m.clock.advance(minutes=3)
    assert [f.outcome for f in m.failures()] == ["dropped"] * 3


def test_set_runs_every_fire_on_the_way(scheduled, m):
    m.clock.set(START + timedelta(minutes=30))
    assert len(m.deliveries()) == 30


def test_advancing_a_year_with_a_yearly_cron_fires_once(events, m):
    events.put_rule(Name="r", ScheduleExpression="cron(0 0 1 JAN ? *)")
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": QUEUE}])
    m.clock.advance(days=366)
    assert [d.event["time"] for d in m.deliveries()] == ["2025-01-01T00:00:00Z"]


def test_rules_of_other_accounts_fire_with_their_account(m):
    other = boto3.client(
        "events", region_name="eu-west-1", aws_access_key_id="210987654321", aws_secret_access_key="x"
    )
    other.put_rule(Name="r", ScheduleExpression="rate(1 minute)")
    other.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": QUEUE}])
    m.clock.advance(minutes=1)
    event = m.deliveries()[0].event
    assert (event["account"], event["region"]) == ("210987654321", "eu-west-1")
    assert event["resources"] == ["arn:aws:events:eu-west-1:210987654321:rule/r"]


def test_running_clock_fires_due_rules_before_the_next_call(events):
    with mock_events() as mock:
        client = boto3.client("events", region_name="us-east-1")
        client.put_rule(Name="r", ScheduleExpression="rate(1 minute)")
        client.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": QUEUE}])
        mock.clock.set(mock.clock.now() + timedelta(minutes=2))  # running on from there
        assert len(mock.deliveries()) == 2
        client.list_rules()
        assert json.loads(mock.deliveries()[0].payload)["detail-type"] == "Scheduled Event"
