"""Which calls the mock answers, and how they look to botocore."""

from __future__ import annotations

import asyncio
import functools
import gc
import json
import os
import unittest.mock
from datetime import datetime

import boto3
import botocore.client
import pytest
import wrapt
from botocore.exceptions import ClientError, EndpointConnectionError
from botocore.stub import Stubber

from mock_events import EventsMock, interceptor, mock_events, patching


def test_client_created_before_the_mock_started_is_answered():
    client = boto3.client("events", region_name="us-east-1")
    with mock_events():
        assert client.list_event_buses()["EventBuses"][0]["Name"] == "default"


def test_a_client_is_answered_by_each_mock_that_starts_after_another_stopped():
    client = boto3.client("events", region_name="us-east-1")
    for name in ("first", "second"):
        with mock_events():
            client.create_event_bus(Name=name)
            assert [b["Name"] for b in client.list_event_buses()["EventBuses"]] == ["default", name]


def test_a_client_that_is_gone_is_forgotten_with_its_operations_and_its_successor_answered():
    with mock_events():
        gc.collect()
        operations = len(interceptor._operations)  # those of clients still alive
        for _ in range(3):
            client = boto3.client("events", region_name="us-east-1")
            assert client.list_rules()["Rules"] == []
            ident = id(client)
            assert ident in interceptor._clients
            del client
            gc.collect()
            assert ident not in interceptor._clients
            assert len(interceptor._operations) <= operations


def test_a_handler_replaced_after_a_client_s_first_call_answers_its_next_call(events, monkeypatch):
    events.list_rules()
    from mock_events import service

    monkeypatch.setitem(service.HANDLERS, "ListRules", lambda ctx, params: {"Rules": [{"Name": "replaced"}]})
    assert events.list_rules()["Rules"] == [{"Name": "replaced"}]


def test_client_with_a_custom_endpoint_url_is_answered():
    client = boto3.client("events", region_name="us-east-1", endpoint_url="http://127.0.0.1:9")
    with mock_events():
        assert client.describe_event_bus()["Name"] == "default"


def test_without_an_active_mock_botocore_is_untouched():
    client = boto3.client("events", region_name="us-east-1", endpoint_url="http://127.0.0.1:9",
                          aws_access_key_id="a", aws_secret_access_key="b",
                          config=botocore.client.Config(retries={"max_attempts": 1}, connect_timeout=0.2))
    with mock_events():
        client.list_rules()
    assert not patching.is_ours(botocore.client.BaseClient.__dict__["_make_api_call"])
    with pytest.raises(EndpointConnectionError):
        client.list_rules()


def test_a_wrapper_another_library_puts_over_ours_stays_and_calls_pass_through_it_after_the_mock(monkeypatch):
    # As aws-xray-sdk or ddtrace do: wrap BaseClient._make_api_call while the mock is active.
    seen = []
    client = boto3.client("events", region_name="us-east-1", endpoint_url="http://127.0.0.1:9",
                          aws_access_key_id="a", aws_secret_access_key="b",
                          config=botocore.client.Config(retries={"max_attempts": 1}, connect_timeout=0.2))
    with mock_events():
        ours = botocore.client.BaseClient.__dict__["_make_api_call"]
        assert patching.is_ours(ours)

        def theirs(self, operation_name, api_params):
            seen.append(operation_name)
            return ours(self, operation_name, api_params)

        monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", theirs)
        assert client.list_rules()["Rules"] == []
    assert botocore.client.BaseClient.__dict__["_make_api_call"] is theirs
    with pytest.raises(EndpointConnectionError):  # ours inside theirs passes the call through
        client.list_rules()
    assert seen == ["ListRules", "ListRules"]
    with mock_events():  # a new mock answers again, through both
        assert client.list_rules()["Rules"] == []


def _unreachable_events_client():  # noqa: ANN202 - a boto3 client
    return boto3.client("events", region_name="us-east-1", endpoint_url="http://127.0.0.1:9",
                        aws_access_key_id="a", aws_secret_access_key="b",
                        config=botocore.client.Config(retries={"max_attempts": 1}, connect_timeout=0.2))


def test_a_wrapt_wrapper_put_on_before_the_mock_still_gets_the_client_as_its_instance(monkeypatch):
    # As aws-xray-sdk and ddtrace do: wrapt.wrap_function_wrapper(BaseClient, "_make_api_call", ...),
    # whose wrapper reads instance._service_model and args[0] as the operation's name.
    seen = []

    def traced(wrapped, instance, args, kwargs):  # noqa: ANN001, ANN202
        seen.append((instance.meta.service_model.service_name, args[0]))
        return wrapped(*args, **kwargs)

    original = botocore.client.BaseClient.__dict__["_make_api_call"]
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", original)  # put back at teardown
    wrapt.wrap_function_wrapper(botocore.client.BaseClient, "_make_api_call", traced)
    theirs = botocore.client.BaseClient.__dict__["_make_api_call"]
    with mock_events():
        assert _unreachable_events_client().list_rules()["Rules"] == []
    assert seen == [("events", "ListRules")]
    assert botocore.client.BaseClient.__dict__["_make_api_call"] is theirs


@pytest.mark.parametrize("wrapping", ["wrapt", "functools.wraps"])
def test_a_wrapper_put_over_ours_stays_after_the_mock_whatever_it_copies_of_ours(monkeypatch, wrapping):
    # A wrapt proxy shows our replacement's attributes and functools.wraps copies them; neither is ours.
    seen = []
    client = _unreachable_events_client()
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call",
                        botocore.client.BaseClient.__dict__["_make_api_call"])  # put back at teardown
    with mock_events():
        ours = botocore.client.BaseClient.__dict__["_make_api_call"]
        if wrapping == "wrapt":
            wrapt.wrap_function_wrapper(botocore.client.BaseClient, "_make_api_call",
                                        lambda wrapped, instance, args, kwargs: seen.append(args[0]) or wrapped(*args, **kwargs))
        else:
            @functools.wraps(ours)
            def theirs(self, operation_name, api_params):  # noqa: ANN001, ANN202
                seen.append(operation_name)
                return ours(self, operation_name, api_params)

            botocore.client.BaseClient._make_api_call = theirs
        theirs = botocore.client.BaseClient.__dict__["_make_api_call"]
        assert not patching.is_ours(theirs)
        client.list_rules()
    assert botocore.client.BaseClient.__dict__["_make_api_call"] is theirs
    with pytest.raises(EndpointConnectionError):  # ours inside theirs passes the call through
        client.list_rules()
    assert seen == ["ListRules", "ListRules"]


def test_a_mock_starts_over_a_unittest_mock_patch_of_make_api_call_which_is_called_as_patched():
    # The patch is no descriptor: botocore's clients call it without self, and so do we.
    client = boto3.client("s3", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    with unittest.mock.patch.object(botocore.client.BaseClient, "_make_api_call") as patched:
        with mock_events():
            client.list_buckets()
        patched.assert_called_once_with("ListBuckets", {})
        assert botocore.client.BaseClient.__dict__["_make_api_call"] is patched


def test_no_credentials_and_no_region_configured_still_works(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    with mock_events():
        client = boto3.session.Session().client("events")
        assert client.meta.region_name == "us-east-1"
        assert client.list_rules()["Rules"] == []
    assert "AWS_DEFAULT_REGION" not in os.environ


def test_response_metadata_is_that_of_a_real_call(events):
    meta = events.list_rules()["ResponseMetadata"]
    assert meta["HTTPStatusCode"] == 200
    assert len(meta["RequestId"]) == 36
    assert meta["RetryAttempts"] == 0


def test_timestamps_are_parsed_by_botocore_into_datetimes(events):
    events.create_event_bus(Name="orders")
    assert isinstance(events.describe_event_bus(Name="orders")["CreationTime"], datetime)


def test_modeled_errors_raise_the_client_exception_class(events):
    with pytest.raises(events.exceptions.ResourceNotFoundException):
        events.describe_rule(Name="missing")


def test_account_comes_from_a_twelve_digit_access_key():
    with mock_events():
        client = boto3.client("events", region_name="eu-west-1",
                              aws_access_key_id="111122223333", aws_secret_access_key="x")
        arn = client.put_rule(Name="r", EventPattern='{"source":["a"]}')["RuleArn"]
    assert arn == "arn:aws:events:eu-west-1:111122223333:rule/r"


def test_account_defaults_to_the_mock_option():
    with mock_events(account_id="444455556666"):
        client = boto3.client("events", region_name="us-east-1")
        assert client.describe_event_bus()["Arn"].split(":")[4] == "444455556666"


def test_each_account_and_region_has_its_own_state():
    with mock_events():
        a = boto3.client("events", region_name="us-east-1", aws_access_key_id="111111111111", aws_secret_access_key="x")
        b = boto3.client("events", region_name="us-east-1", aws_access_key_id="222222222222", aws_secret_access_key="x")
        c = boto3.client("events", region_name="eu-west-1", aws_access_key_id="111111111111", aws_secret_access_key="x")
        a.create_event_bus(Name="mine")
        assert [x["Name"] for x in b.list_event_buses()["EventBuses"]] == ["default"]
        assert [x["Name"] for x in c.list_event_buses()["EventBuses"]] == ["default"]


def test_botocore_stubber_on_another_client_still_works(events):
    sqs = boto3.client("sqs", region_name="us-east-1")
    with Stubber(sqs) as stub:
        stub.add_response("list_queues", {"QueueUrls": ["q"]})
        assert sqs.list_queues()["QueueUrls"] == ["q"]
    assert events.list_rules()["Rules"] == []


def test_a_stubbed_events_client_is_answered_by_the_stubber(events_mock):
    client = boto3.client("events", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_response("list_rules", {"Rules": [{"Name": "stubbed"}]})
        assert client.list_rules()["Rules"][0]["Name"] == "stubbed"


def test_nested_activations_start_empty_and_the_inner_one_answers():
    client = boto3.client("events", region_name="us-east-1")
    with mock_events():
        client.create_event_bus(Name="outer")
        with mock_events():
            assert len(client.list_event_buses()["EventBuses"]) == 1
        assert len(client.list_event_buses()["EventBuses"]) == 2


def test_decorator_on_a_function():
    @mock_events
    def work():
        return boto3.client("events", region_name="us-east-1").put_rule(Name="r", EventPattern='{"source":["a"]}')

    assert work()["RuleArn"].endswith(":rule/r")
    assert work()["RuleArn"].endswith(":rule/r")  # a fresh state each call


def test_decorator_with_options():
    @mock_events(account_id="111122223333", region="eu-central-1")
    def work():
        return boto3.client("events", region_name="eu-central-1").describe_event_bus()["Arn"]

    assert work() == "arn:aws:events:eu-central-1:111122223333:event-bus/default"


def test_decorator_on_an_async_function_stays_active_across_awaits():
    @mock_events
    async def work():
        await asyncio.sleep(0)
        client = boto3.client("events", region_name="us-east-1")
        client.create_event_bus(Name="b")
        await asyncio.sleep(0)
        return len(client.list_event_buses()["EventBuses"])

    assert asyncio.run(work()) == 2


def test_start_and_stop():
    m = mock_events()
    m.start()
    try:
        assert isinstance(m, EventsMock)
        boto3.client("events", region_name="us-east-1").create_event_bus(Name="x")
    finally:
        m.stop()
    assert not m.active


def test_a_mock_cannot_be_started_twice():
    with mock_events() as m:
        with pytest.raises(RuntimeError):
            m.start()


def test_unknown_quota_names_are_refused():
    with pytest.raises(ValueError, match="rules_per_event_bus"):
        mock_events(quotas={"rules_per_bus": 1})


def test_an_internal_error_reaches_the_caller_as_a_client_error(events, monkeypatch):
    from mock_events import service

    def broken(ctx, params):
        raise KeyError("boom")

    monkeypatch.setitem(service.HANDLERS, "ListRules", broken)
    with pytest.raises(ClientError) as excinfo:
        events.list_rules()
    assert excinfo.value.response["Error"]["Code"] == "InternalException"


def test_an_after_call_handler_sees_the_http_response_of_the_answer():
    seen = []

    def after_call(http_response, parsed, **_):  # noqa: ANN001, ANN003 - botocore's event arguments
        seen.append((http_response.status_code, dict(http_response.headers), http_response.content, parsed))

    with mock_events():
        client = boto3.client("events", region_name="us-east-1")
        client.meta.events.register("after-call.eventbridge.*", after_call)
        client.create_event_bus(Name="b")
        with pytest.raises(ClientError):
            client.describe_event_bus(Name="missing")
    (status, headers, content, parsed), (error_status, error_headers, error_content, _) = seen
    assert status == 200 and headers["x-amzn-requestid"] == parsed["ResponseMetadata"]["RequestId"]
    assert headers["content-type"] == "application/x-amz-json-1.1"
    assert json.loads(content) == {"EventBusArn": parsed["EventBusArn"]}
    assert error_status == 400 and b"ResourceNotFoundException" in error_content
    assert error_headers["x-amzn-requestid"]
