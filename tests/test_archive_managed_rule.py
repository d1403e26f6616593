"""An archive's managed rule, Events-Archive-<name>: never a user's rule, always consistent with the archive."""

from __future__ import annotations

import json

import pytest

from conftest import error_of

QUEUE = "arn:aws:sqs:us-east-1:123456789012:q"


@pytest.fixture
def bus_arn(events):
    return events.describe_event_bus()["Arn"]


def rule_of(events, name: str) -> dict:
    out = events.describe_rule(Name=name)
    out.pop("ResponseMetadata")
    return out


def user_rule(events, name: str = "Events-Archive-orders") -> dict:
    events.put_rule(Name=name, EventPattern='{"source":["mine"]}')
    events.put_targets(Rule=name, Targets=[{"Id": "q", "Arn": QUEUE}])
    return rule_of(events, name)


def test_create_archive_refuses_a_name_whose_rule_the_user_already_has(events, bus_arn):
    before = user_rule(events)
    with pytest.raises(events.exceptions.ClientError) as excinfo:
        events.create_archive(ArchiveName="orders", EventSourceArn=bus_arn, EventPattern='{"source":["x"]}')
    assert error_of(excinfo) == (
        "ResourceAlreadyExistsException", "Rule Events-Archive-orders already exists on EventBus default."
    )
    assert rule_of(events, "Events-Archive-orders") == before
    assert [t["Id"] for t in events.list_targets_by_rule(Rule="Events-Archive-orders")["Targets"]] == ["q"]
    assert events.list_archives()["Archives"] == []


@pytest.mark.mock_events(quotas={"rules_per_event_bus": 1})
def test_create_archive_at_the_rule_limit_touches_no_rule(events, bus_arn):
    user_rule(events, "mine")
    with pytest.raises(events.exceptions.ClientError) as excinfo:
        events.create_archive(ArchiveName="orders", EventSourceArn=bus_arn)
    assert error_of(excinfo)[0] == "LimitExceededException"
    assert [r["Name"] for r in events.list_rules()["Rules"]] == ["mine"]
    assert events.list_archives()["Archives"] == []


def test_a_users_rule_put_after_the_managed_rule_was_force_deleted_survives_update_and_delete_archive(
    events, bus_arn
):
    events.create_archive(ArchiveName="orders", EventSourceArn=bus_arn)
    events.remove_targets(Rule="Events-Archive-orders", Ids=["Events-Archive-orders"], Force=True)
    events.delete_rule(Name="Events-Archive-orders", Force=True)
    before = user_rule(events)
    events.update_archive(ArchiveName="orders", EventPattern='{"source":["x"]}')
    events.delete_archive(ArchiveName="orders")
    assert rule_of(events, "Events-Archive-orders") == before
    assert [t["Id"] for t in events.list_targets_by_rule(Rule="Events-Archive-orders")["Targets"]] == ["q"]


def test_put_rule_and_create_archive_count_a_non_ascii_pattern_alike(events, bus_arn):
    values = ["東京" + str(i) for i in range(150)]
    pattern = json.dumps({"detail": {"city": values}}, ensure_ascii=False)
    assert 400 < len(pattern) < 2048 < len(json.dumps({"detail": {"city": values}}))
    events.put_rule(Name="tokyo", EventPattern=pattern)
    events.create_archive(ArchiveName="tokyo", EventSourceArn=bus_arn, EventPattern=pattern)
    events.update_archive(ArchiveName="tokyo", EventPattern=pattern)
    managed = json.loads(events.describe_rule(Name="Events-Archive-tokyo")["EventPattern"])
    assert managed["detail"]["city"] == values


def test_a_pattern_of_exactly_the_quota_is_accepted_by_both_and_one_more_character_by_neither(events, bus_arn):
    pattern = '{"source":["' + "東" * 2033 + '"]}'
    assert len(pattern) == 2048
    events.put_rule(Name="full", EventPattern=pattern)
    events.create_archive(ArchiveName="full", EventSourceArn=bus_arn, EventPattern=pattern)
    longer = pattern.replace('"]', '京"]')
    for call in (
        lambda: events.put_rule(Name="full", EventPattern=longer),
        lambda: events.create_archive(ArchiveName="longer", EventSourceArn=bus_arn, EventPattern=longer),
        lambda: events.update_archive(ArchiveName="full", EventPattern=longer),
    ):
        with pytest.raises(events.exceptions.ClientError) as excinfo:
            call()
        assert error_of(excinfo)[0] == "InvalidEventPatternException"


def test_a_refused_update_archive_changes_neither_the_archive_nor_its_rule(events, bus_arn):
    events.create_archive(ArchiveName="orders", EventSourceArn=bus_arn, EventPattern='{"source":["a"]}',
                          Description="first", RetentionDays=3)
    archive_before = events.describe_archive(ArchiveName="orders")
    rule_before = events.describe_rule(Name="Events-Archive-orders")["EventPattern"]
    for bad in ('{"source":["a"', '{"source":"a"}', '{"source":["' + "x" * 3000 + '"]}'):
        with pytest.raises(events.exceptions.ClientError):
            events.update_archive(ArchiveName="orders", EventPattern=bad, Description="second", RetentionDays=9)
    archive_after = events.describe_archive(ArchiveName="orders")
    for key in ("EventPattern", "Description", "RetentionDays"):
        assert archive_after[key] == archive_before[key]
    assert events.describe_rule(Name="Events-Archive-orders")["EventPattern"] == rule_before


def test_an_update_archive_keeps_the_archive_and_its_rule_in_step(events, bus_arn):
    events.create_archive(ArchiveName="orders", EventSourceArn=bus_arn, EventPattern='{"source":["a"]}')
    events.update_archive(ArchiveName="orders", EventPattern='{"source":["東京"]}')
    assert events.describe_archive(ArchiveName="orders")["EventPattern"] == '{"source":["東京"]}'
    managed = json.loads(events.describe_rule(Name="Events-Archive-orders")["EventPattern"])
    assert managed == {"source": ["東京"], "replay-name": [{"exists": False}]}


@pytest.mark.parametrize("pattern", [
    '{"a":[1e999]}', '{"a":["\\ud800"]}', '{"n":[1.00000000000000001]}', ' {"source" : ["x"]}\n',
    '{"source":["x"],"replay-name":["r"]}',
])
def test_create_archive_accepts_every_pattern_put_rule_accepts_and_keeps_its_text(events, bus_arn, pattern):
    events.put_rule(Name="plain", EventPattern=pattern)
    events.create_archive(ArchiveName="a", EventSourceArn=bus_arn, EventPattern=pattern)
    managed = events.describe_rule(Name="Events-Archive-a")["EventPattern"]
    assert managed.startswith(pattern.rstrip()[:-1].rstrip())
    assert managed.endswith('"replay-name":[{"exists":false}]}')
    assert events.describe_archive(ArchiveName="a")["EventPattern"] == pattern


WILDCARD = '{"detail":{"key":[{"wildcard":"uploads/*"}]}}'


@pytest.mark.mock_events(quotas={"wildcard_rules_per_event_bus": 1})
def test_an_archive_of_a_wildcard_pattern_takes_a_place_under_the_quota_of_rules_containing_wildcards(
        events, bus_arn):
    # Our reading: the archive's managed rule is a rule of the bus, so it counts like any other.
    events.put_rule(Name="mine", EventPattern=WILDCARD)
    with pytest.raises(events.exceptions.ClientError) as excinfo:
        events.create_archive(ArchiveName="orders", EventSourceArn=bus_arn, EventPattern=WILDCARD)
    assert error_of(excinfo)[0] == "LimitExceededException"
    assert [r["Name"] for r in events.list_rules()["Rules"]] == ["mine"]
    assert events.list_archives()["Archives"] == []

    events.delete_rule(Name="mine")
    events.create_archive(ArchiveName="orders", EventSourceArn=bus_arn, EventPattern=WILDCARD)
    with pytest.raises(events.exceptions.ClientError):
        events.put_rule(Name="mine", EventPattern=WILDCARD)
    events.delete_archive(ArchiveName="orders")
    events.put_rule(Name="mine", EventPattern=WILDCARD)


@pytest.mark.mock_events(quotas={"wildcard_rules_per_event_bus": 1})
def test_an_update_archive_to_a_wildcard_pattern_past_the_quota_changes_neither_the_archive_nor_its_rule(
        events, bus_arn):
    events.put_rule(Name="mine", EventPattern=WILDCARD)
    events.create_archive(ArchiveName="orders", EventSourceArn=bus_arn, EventPattern='{"source":["a"]}',
                          Description="first")
    rule_before = events.describe_rule(Name="Events-Archive-orders")["EventPattern"]
    with pytest.raises(events.exceptions.ClientError) as excinfo:
        events.update_archive(ArchiveName="orders", EventPattern=WILDCARD, Description="second")

    assert error_of(excinfo)[0] == "LimitExceededException"
    archive = events.describe_archive(ArchiveName="orders")
    assert (archive["EventPattern"], archive["Description"]) == ('{"source":["a"]}', "first")
    assert events.describe_rule(Name="Events-Archive-orders")["EventPattern"] == rule_before
