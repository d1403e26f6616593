"""Partner event sources: the partner's view, the receiving account's view, the partner bus."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from conftest import error_of

PARTNER = "111111111111"
CUSTOMER = "123456789012"
NAME = "aws.partner/acme.com/42/orders"


@pytest.fixture
def partner(events_mock):
    """An events client calling as the partner's account."""
    return boto3.client(
        "events", region_name="us-east-1", aws_access_key_id=PARTNER, aws_secret_access_key="x"
    )


def offer(partner, name=NAME, account=CUSTOMER):
    return partner.create_partner_event_source(Name=name, Account=account)


def put(partner, source=NAME, **entry):
    return partner.put_partner_events(Entries=[{"Source": source, "DetailType": "order", "Detail": "{}", **entry}])


def test_source_arn_has_no_account(partner):
    assert offer(partner)["EventSourceArn"] == f"arn:aws:events:us-east-1::event-source/{NAME}"


def test_receiving_account_sees_a_pending_source(partner, events):
    offer(partner)
    out = events.describe_event_source(Name=NAME)
    assert (out["State"], out["CreatedBy"], out["Name"]) == ("PENDING", "acme.com", NAME)


def test_partner_bus_makes_the_source_active(partner, events):
    offer(partner)
    events.create_event_bus(Name=NAME, EventSourceName=NAME)
    assert events.describe_event_source(Name=NAME)["State"] == "ACTIVE"
    accounts = partner.list_partner_event_source_accounts(EventSourceName=NAME)["PartnerEventSourceAccounts"]
    assert [(a["Account"], a["State"]) for a in accounts] == [(CUSTOMER, "ACTIVE")]


def test_bus_without_a_source_is_not_found(events):
    with pytest.raises(ClientError) as excinfo:
        events.create_event_bus(Name=NAME, EventSourceName=NAME)
    assert error_of(excinfo) == ("ResourceNotFoundException", f"Event source {NAME} does not exist.")


def test_duplicate_offer_is_refused(partner):
    offer(partner)
    with pytest.raises(ClientError) as excinfo:
        offer(partner)
    assert error_of(excinfo)[0] == "ResourceAlreadyExistsException"


def test_one_source_offered_to_two_accounts(partner):
    offer(partner)
    offer(partner, account="222222222222")
    accounts = partner.list_partner_event_source_accounts(EventSourceName=NAME)["PartnerEventSourceAccounts"]
    assert [a["Account"] for a in accounts] == [CUSTOMER, "222222222222"]
    assert partner.describe_partner_event_source(Name=NAME)["Name"] == NAME


def test_partner_lists_by_prefix(partner):
    offer(partner)
    offer(partner, name="aws.partner/acme.com/42/refunds")
    offer(partner, name="aws.partner/other.com/1/x")
    listed = partner.list_partner_event_sources(NamePrefix="aws.partner/acme.com/")["PartnerEventSources"]
    assert [s["Name"] for s in listed] == [NAME, "aws.partner/acme.com/42/refunds"]


def test_receiving_account_lists_and_pages(partner, events):
    for suffix in ("a", "b", "c"):
        offer(partner, name=f"aws.partner/acme.com/42/{suffix}")
    page = events.list_event_sources(NamePrefix="aws.partner/acme.com", Limit=2)
    rest = events.list_event_sources(NamePrefix="aws.partner/acme.com", Limit=2, NextToken=page["NextToken"])
    assert [s["Name"][-1] for s in page["EventSources"] + rest["EventSources"]] == ["a", "b", "c"]


@pytest.mark.parametrize(
    "call", ["describe_event_source", "activate_event_source", "deactivate_event_source"]
)
def test_unknown_source_is_not_found_for_the_receiver(events, call):
    with pytest.raises(ClientError) as excinfo:
        getattr(events, call)(Name=NAME)
    assert error_of(excinfo) == ("ResourceNotFoundException", f"Event source {NAME} does not exist.")


def test_unknown_source_is_not_found_for_the_partner(partner):
    with pytest.raises(ClientError) as excinfo:
        partner.describe_partner_event_source(Name=NAME)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_deactivate_and_activate(partner, events):
    offer(partner)
    events.create_event_bus(Name=NAME, EventSourceName=NAME)
    events.deactivate_event_source(Name=NAME)
    assert events.describe_event_source(Name=NAME)["State"] == "PENDING"
    events.activate_event_source(Name=NAME)
    assert events.describe_event_source(Name=NAME)["State"] == "ACTIVE"


def test_deactivating_a_pending_source_is_an_invalid_state(partner, events):
    offer(partner)
    with pytest.raises(ClientError) as excinfo:
        events.deactivate_event_source(Name=NAME)
    assert error_of(excinfo)[0] == "InvalidStateException"


def test_activating_an_active_source_is_an_invalid_state(partner, events):
    offer(partner)
    events.create_event_bus(Name=NAME, EventSourceName=NAME)
    with pytest.raises(ClientError) as excinfo:
        events.activate_event_source(Name=NAME)
    assert error_of(excinfo)[0] == "InvalidStateException"


def test_deleted_source_with_a_bus_is_deleted(partner, events):
    offer(partner)
    events.create_event_bus(Name=NAME, EventSourceName=NAME)
    partner.delete_partner_event_source(Name=NAME, Account=CUSTOMER)
    assert events.describe_event_source(Name=NAME)["State"] == "DELETED"
    with pytest.raises(ClientError) as excinfo:
        events.activate_event_source(Name=NAME)
    assert error_of(excinfo)[0] == "InvalidStateException"


def test_deleted_source_without_a_bus_is_gone(partner, events):
    offer(partner)
    partner.delete_partner_event_source(Name=NAME, Account=CUSTOMER)
    assert events.list_event_sources()["EventSources"] == []
    partner.delete_partner_event_source(Name=NAME, Account=CUSTOMER)  # again: no error


def test_bus_for_a_deleted_source_is_an_invalid_state(partner, events):
    offer(partner)
    events.create_event_bus(Name=NAME, EventSourceName=NAME)
    partner.delete_partner_event_source(Name=NAME, Account=CUSTOMER)
    events.delete_event_bus(Name=NAME)
    with pytest.raises(ClientError) as excinfo:
        events.create_event_bus(Name=NAME, EventSourceName=NAME)
    assert error_of(excinfo)[0] == "InvalidStateException"


def test_partner_events_reach_the_partner_bus_rules(partner, events, events_mock):
    offer(partner)
    events.create_event_bus(Name=NAME, EventSourceName=NAME)
    events.put_rule(Name="r", EventBusName=NAME, EventPattern=f'{{"source":["{NAME}"]}}')
    target = "arn:aws:sqs:us-east-1:123456789012:q"
    events.put_targets(Rule="r", EventBusName=NAME, Targets=[{"Id": "q", "Arn": target}])
    out = put(partner, Detail='{"id": 1}')
    assert out["FailedEntryCount"] == 0
    (record,) = events_mock.deliveries(target)
    assert record.event["id"] == out["Entries"][0]["EventId"]
    assert (record.event["account"], record.event["detail"]) == (CUSTOMER, {"id": 1})


def test_partner_events_skip_pending_sources(partner, events, events_mock):
    offer(partner)
    out = put(partner)
    assert out["FailedEntryCount"] == 0
    assert events_mock.events() == []


def test_partner_events_skip_deactivated_sources(partner, events, events_mock):
    offer(partner)
    events.create_event_bus(Name=NAME, EventSourceName=NAME)
    events.deactivate_event_source(Name=NAME)
    put(partner)
    assert events_mock.events(NAME) == []


def test_partner_events_for_a_source_of_another_partner_fail_per_entry(partner, events):
    out = put(partner, source="aws.partner/nobody.com/1/x")
    assert out["FailedEntryCount"] == 1
    assert out["Entries"][0]["ErrorCode"] == "NotAuthorizedForSourceException"


def test_partner_events_check_entries_like_put_events(partner):
    offer(partner)
    out = partner.put_partner_events(
        Entries=[
            {"Source": NAME, "DetailType": "order", "Detail": "[]"},
            {"Source": NAME, "Detail": "{}"},
        ]
    )
    assert [e["ErrorCode"] for e in out["Entries"]] == ["MalformedDetail", "InvalidArgument"]
    assert out["FailedEntryCount"] == 2


def test_twenty_one_partner_entries_are_refused(partner):
    offer(partner)
    with pytest.raises(ClientError) as excinfo:
        partner.put_partner_events(Entries=[{"Source": NAME, "DetailType": "d", "Detail": "{}"}] * 21)
    assert error_of(excinfo)[0] == "ValidationException"
