"""Global endpoints: lifecycle, checks on their buses, and PutEvents through one."""

from __future__ import annotations

import re

import boto3
import pytest
from botocore.exceptions import ClientError

from conftest import error_of
from mock_events.dispatch import dispatch
from mock_events.service import Context

ACCOUNT = "123456789012"
HEALTH = "arn:aws:route53:::healthcheck/abc-123"


def routing(route="us-west-2"):
    return {"FailoverConfig": {"Primary": {"HealthCheck": HEALTH}, "Secondary": {"Route": route}}}


def buses(name="default", regions=("us-east-1", "us-west-2")):
    return [{"EventBusArn": f"arn:aws:events:{r}:{ACCOUNT}:event-bus/{name}"} for r in regions]


def create(events, name="e", **extra):
    params = {"Name": name, "RoutingConfig": routing(), "EventBuses": buses()}
    params.update(extra)
    return events.create_endpoint(**params)


def test_create_answers_creating_without_id(events):
    out = create(events)
    assert out["State"] == "CREATING"
    assert out["Arn"] == f"arn:aws:events:us-east-1:{ACCOUNT}:endpoint/e"
    assert "EndpointId" not in out


def test_describe_after_create_is_active_with_id_and_url(events):
    create(events, Description="d")
    out = events.describe_endpoint(Name="e")
    assert out["State"] == "ACTIVE"
    assert re.fullmatch(r"[a-z0-9]+\.[a-z0-9]+", out["EndpointId"])
    assert out["EndpointUrl"] == f"https://{out['EndpointId']}.endpoint.events.amazonaws.com"
    assert out["ReplicationConfig"] == {"State": "ENABLED"}
    assert out["Description"] == "d"


def test_buses_with_different_names_are_refused(events):
    with pytest.raises(ClientError) as excinfo:
        create(events, EventBuses=[buses()[0], buses("other")[1]])
    assert error_of(excinfo)[0] == "ValidationException"
    assert events.list_endpoints()["Endpoints"] == []


def test_buses_in_one_region_are_refused(events):
    with pytest.raises(ClientError) as excinfo:
        create(events, EventBuses=buses(regions=("us-east-1", "us-east-1")))
    assert error_of(excinfo)[0] == "ValidationException"


def test_secondary_route_must_be_the_other_bus_region(events):
    with pytest.raises(ClientError) as excinfo:
        create(events, RoutingConfig=routing("eu-west-1"))
    assert error_of(excinfo)[0] == "ValidationException"


def test_duplicate_name_is_refused(events):
    create(events)
    with pytest.raises(ClientError) as excinfo:
        create(events)
    assert error_of(excinfo)[0] == "ResourceAlreadyExistsException"


@pytest.mark.parametrize("call", ["describe_endpoint", "update_endpoint", "delete_endpoint"])
def test_unknown_endpoint_is_not_found(events, call):
    with pytest.raises(ClientError) as excinfo:
        getattr(events, call)(Name="nope")
    assert error_of(excinfo) == ("ResourceNotFoundException", "Endpoint nope does not exist.")


def test_update_answers_updating_then_active(events):
    create(events)
    out = events.update_endpoint(Name="e", ReplicationConfig={"State": "DISABLED"}, Description="new")
    assert out["State"] == "UPDATING"
    described = events.describe_endpoint(Name="e")
    assert (described["State"], described["ReplicationConfig"], described["Description"]) == (
        "ACTIVE", {"State": "DISABLED"}, "new"
    )


def test_delete_removes(events):
    create(events)
    events.delete_endpoint(Name="e")
    assert events.list_endpoints()["Endpoints"] == []


def test_list_by_prefix_home_region_and_pages(events):
    for name in ("a1", "a2", "b"):
        create(events, name=name)
    assert [e["Name"] for e in events.list_endpoints(NamePrefix="a")["Endpoints"]] == ["a1", "a2"]
    assert events.list_endpoints(HomeRegion="us-west-2")["Endpoints"] == []
    page = events.list_endpoints(MaxResults=2)
    rest = events.list_endpoints(MaxResults=2, NextToken=page["NextToken"])
    assert [e["Name"] for e in rest["Endpoints"]] == ["b"]


def test_describe_in_its_home_region_from_another(events):
    create(events)
    west = boto3.client("events", region_name="us-west-2")
    assert west.describe_endpoint(Name="e", HomeRegion="us-east-1")["Name"] == "e"


@pytest.mark.mock_events(quotas={"endpoints": 1})
def test_quota_of_endpoints(events):
    create(events)
    with pytest.raises(ClientError) as excinfo:
        create(events, name="f")
    assert error_of(excinfo)[0] == "LimitExceededException"


def _put_through(events_mock, endpoint_id):
    ctx = Context(events_mock._backend, ACCOUNT, "us-east-1")
    entries = [{"Source": "shop", "DetailType": "order", "Detail": "{}", "EventBusName": "ignored"}]
    return dispatch(ctx, "PutEvents", {"EndpointId": endpoint_id, "Entries": entries})


def test_put_events_with_endpoint_id_reaches_the_primary_bus(events, events_mock):
    # botocore needs awscrt (SigV4a) to send PutEvents with EndpointId; this calls the handler.
    create(events)
    endpoint_id = events.describe_endpoint(Name="e")["EndpointId"]
    out = _put_through(events_mock, endpoint_id)
    assert out["FailedEntryCount"] == 0
    assert [e["source"] for e in events_mock.events("default")] == ["shop"]
    assert events_mock.events(f"arn:aws:events:us-west-2:{ACCOUNT}:event-bus/default") == []


def test_put_events_with_unknown_endpoint_id_is_not_found(events, events_mock):
    from mock_events.errors import ServiceError

    with pytest.raises(ServiceError) as excinfo:
        _put_through(events_mock, "nope.abc")
    assert excinfo.value.code == "ResourceNotFoundException"


def test_put_events_with_endpoint_id_through_boto3(events, events_mock):
    pytest.importorskip("awscrt")
    create(events)
    endpoint_id = events.describe_endpoint(Name="e")["EndpointId"]
    out = events.put_events(EndpointId=endpoint_id, Entries=[{"Source": "shop", "DetailType": "o", "Detail": "{}"}])
    assert out["FailedEntryCount"] == 0
    assert len(events_mock.events("default")) == 1
