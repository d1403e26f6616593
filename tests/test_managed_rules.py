"""Managed rules (here: the one an archive creates) change only through their service, or with Force."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from conftest import error_of


@pytest.fixture
def managed(events):
    bus_arn = events.describe_event_bus()["Arn"]
    events.create_archive(ArchiveName="all", EventSourceArn=bus_arn)
    return "Events-Archive-all"


def test_archive_creates_a_managed_rule(events, managed):
    rule = events.describe_rule(Name=managed)
    assert rule["ManagedBy"] == "prod.vhs.events.aws.internal"


@pytest.mark.parametrize("change", [
    lambda e, r: e.put_rule(Name=r, EventPattern='{"source":["x"]}'),
    lambda e, r: e.disable_rule(Name=r),
    lambda e, r: e.enable_rule(Name=r),
    lambda e, r: e.put_targets(Rule=r, Targets=[{"Id": "x", "Arn": "arn:aws:sqs:us-east-1:123456789012:q"}]),
    lambda e, r: e.tag_resource(ResourceARN=e.describe_rule(Name=r)["Arn"], Tags=[{"Key": "k", "Value": "v"}]),
], ids=["put_rule", "disable", "enable", "put_targets", "tag"])
def test_changes_are_refused(events, managed, change):
    with pytest.raises(ClientError) as excinfo:
        change(events, managed)
    assert error_of(excinfo)[0] == "ManagedRuleException"


def test_remove_targets_and_delete_need_force(events, managed):
    ids = [t["Id"] for t in events.list_targets_by_rule(Rule=managed)["Targets"]]
    with pytest.raises(ClientError) as excinfo:
        events.remove_targets(Rule=managed, Ids=ids)
    assert error_of(excinfo) == (
        "ManagedRuleException", f"{managed} is a managed rule. Set 'force' parameter to true to override."
    )
    events.remove_targets(Rule=managed, Ids=ids, Force=True)
    with pytest.raises(ClientError):
        events.delete_rule(Name=managed)
    events.delete_rule(Name=managed, Force=True)
    assert [r["Name"] for r in events.list_rules()["Rules"]] == []
