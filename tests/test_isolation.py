"""No state leaks between tests, activations or workers; moto and botocore's Stubber coexist.

The two ``test_leak_*`` tests each leave a bus behind and check the other's is absent: they pass
in either order (pytest-randomly shuffles them) and on any pytest-xdist worker.
"""

from __future__ import annotations

import os

import boto3
import botocore.client
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from conftest import error_of
from mock_events import EventsMock, interceptor, mock_events, patching

moto = pytest.importorskip("moto")


def _buses(client) -> set[str]:  # noqa: ANN001 - a boto3 client
    return {b["Name"] for b in client.list_event_buses()["EventBuses"]}


@pytest.mark.parametrize("mine,other", [("leak-a", "leak-b"), ("leak-b", "leak-a")])
def test_leak_a_bus_left_by_another_test_is_not_seen(events, mine: str, other: str) -> None:
    assert _buses(events) == {"default"}
    events.create_event_bus(Name=mine)
    assert other not in _buses(events)


def test_each_activation_starts_empty() -> None:
    mock = EventsMock()
    with mock:
        client = boto3.client("events", region_name="us-east-1")
        client.create_event_bus(Name="first")
        client.put_events(Entries=[{"Source": "s", "DetailType": "d", "Detail": "{}"}])
    with mock:
        assert _buses(client) == {"default"}
        assert mock.events() == []


def test_nothing_of_the_mock_is_left_in_botocore_after_it_stops() -> None:
    with mock_events():
        pass
    assert interceptor.active_mock() is None
    assert not patching.is_ours(botocore.client.BaseClient.__dict__["_make_api_call"])


def test_decorated_tests_get_fresh_state_each_call() -> None:
    seen = []

    @mock_events
    def one_test() -> None:
        client = boto3.client("events", region_name="us-east-1")
        seen.append(_buses(client))
        client.create_event_bus(Name="from-a-previous-call")

    one_test()
    one_test()
    assert seen == [{"default"}, {"default"}]


def test_xdist_workers_each_have_their_own_state(events, worker_id: str) -> None:
    events.create_event_bus(Name=f"worker-{worker_id}")
    assert _buses(events) == {"default", f"worker-{worker_id}"}
    assert os.environ.get("PYTEST_XDIST_WORKER", "master") == worker_id


def test_moto_answers_sqs_while_the_mock_answers_events() -> None:
    with moto.mock_aws():
        with mock_events() as mock:
            sqs = boto3.client("sqs", region_name="us-east-1")
            queue_url = sqs.create_queue(QueueName="q")["QueueUrl"]
            attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
            queue_arn = attributes["Attributes"]["QueueArn"]
            events = boto3.client("events", region_name="us-east-1")
            events.put_rule(Name="r", EventPattern='{"source":["moto"]}')
            events.put_targets(Rule="r", Targets=[{"Id": "q", "Arn": queue_arn}])
            events.put_events(Entries=[{"Source": "moto", "DetailType": "d", "Detail": '{"a": 1}'}])
            assert [d.json()["detail"] for d in mock.deliveries(queue_arn)] == [{"a": 1}]
            assert sqs.list_queues()["QueueUrls"] == [queue_url]
        # Our mock stopped, moto answers events now: its backend never saw the rule.
        assert events.list_rules()["Rules"] == []


def test_moto_started_inside_the_mock_leaves_events_to_the_mock() -> None:
    with mock_events(), moto.mock_aws():
        events = boto3.client("events", region_name="us-east-1")
        with pytest.raises(ClientError) as excinfo:
            events.describe_event_bus(Name="nope")
        assert error_of(excinfo) == ("ResourceNotFoundException", "Event bus nope does not exist.")
        assert boto3.client("sqs", region_name="us-east-1").list_queues().get("QueueUrls", []) == []


def test_a_stubber_on_another_client_answers_that_client_only(events) -> None:
    sqs = boto3.client("sqs", region_name="us-east-1")
    with Stubber(sqs) as stub:
        stub.add_response("list_queues", {"QueueUrls": ["https://example.com/stubbed"]})
        events.create_event_bus(Name="b")
        assert sqs.list_queues()["QueueUrls"] == ["https://example.com/stubbed"]
        assert "b" in _buses(events)
        stub.assert_no_pending_responses()


def test_a_stubber_on_an_events_client_is_answered_before_the_mock() -> None:
    with mock_events():
        client = boto3.client("events", region_name="us-east-1")
        with Stubber(client) as stub:
            stub.add_response("list_event_buses", {"EventBuses": [{"Name": "stubbed"}]})
            assert _buses(client) == {"stubbed"}
        assert _buses(client) == {"default"}


def test_nested_mocks_answer_from_the_innermost_and_restore_the_outer() -> None:
    with mock_events() as outer:
        client = boto3.client("events", region_name="us-east-1")
        client.create_event_bus(Name="outer-bus")
        with mock_events():
            assert _buses(client) == {"default"}
        assert _buses(client) == {"default", "outer-bus"}
        assert interceptor.active_mock() is outer
