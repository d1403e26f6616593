"""aiobotocore and aioboto3 clients are served as botocore clients are: same answers, errors,
deliveries and clock, no request leaving the process, and nothing of ours left once mocks stop."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import boto3
import pytest
import wrapt
from botocore.exceptions import ClientError

from conftest import NetworkUsed
from mock_events import current_mock, mock_events, patching

aiobotocore_session = pytest.importorskip("aiobotocore.session")
aioboto3 = pytest.importorskip("aioboto3")
import aiobotocore.client  # noqa: E402 - after the importorskip above
from aiobotocore.config import AioConfig  # noqa: E402 - after the importorskip above
from aiobotocore.session import AioSession  # noqa: E402 - after the importorskip above
from aiobotocore.utils import AioIMDSRegionProvider  # noqa: E402 - after the importorskip above

QUEUE = "arn:aws:sqs:us-east-1:123456789012:orders"
ENTRY = {"Source": "shop", "DetailType": "OrderPlaced", "Detail": '{"id": 7}'}
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


pytestmark = pytest.mark.usefixtures("no_network")


def aio_client(region: str = "us-east-1", **keys: Any) -> Any:
    return aiobotocore_session.get_session().create_client("events", region_name=region, **(keys or KEYS))


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


async def route_orders(client: Any) -> None:
    await client.put_rule(Name="orders", EventPattern='{"source": ["shop"]}')
    await client.put_targets(Rule="orders", Targets=[{"Id": "q", "Arn": QUEUE}])


def test_aiobotocore_put_events_is_delivered_not_sent(no_network: list[str]) -> None:
    async def scenario() -> dict[str, Any]:
        async with aio_client() as client:
            await route_orders(client)
            return await client.put_events(Entries=[ENTRY])

    with mock_events() as m:
        answer = run(scenario())
    assert answer["FailedEntryCount"] == 0
    [delivery] = m.deliveries(QUEUE)
    assert delivery.event["id"] == answer["Entries"][0]["EventId"]
    assert delivery.json()["detail"] == {"id": 7}
    assert no_network == []


def test_an_assertion_in_a_callback_fails_the_aiobotocore_call(no_network: list[str]) -> None:
    def asserts(delivery: Any) -> None:
        assert delivery.json()["detail"] == {"id": 8}, "wrong order"

    async def scenario(m: Any) -> None:
        async with aio_client() as client:
            await route_orders(client)
            m.on_target(QUEUE, asserts)
            await client.put_events(Entries=[ENTRY])

    with mock_events() as m:
        with pytest.raises(AssertionError, match="wrong order"):
            run(scenario(m))
    assert [f.outcome for f in m.failures()] == ["propagated"]


def test_a_callback_may_await_nothing_and_call_the_service_from_a_sync_client(no_network: list[str]) -> None:
    seen: list[Any] = []

    async def scenario(m: Any) -> None:
        async with aio_client() as client:
            await route_orders(client)
            sync = boto3.client("events", region_name="us-east-1", **KEYS)
            m.on_target(QUEUE, lambda d: seen.append(sync.describe_rule(Name="orders")["Name"]))
            await client.put_events(Entries=[ENTRY])

    with mock_events() as m:
        run(scenario(m))
    assert seen == ["orders"]


def test_aiobotocore_client_created_before_the_mock_is_answered(no_network: list[str]) -> None:
    async def scenario() -> list[Any]:
        async with aio_client() as client:
            with mock_events() as m:
                await route_orders(client)
                await client.put_events(Entries=[ENTRY])
                return m.deliveries()

    assert len(run(scenario())) == 1
    assert no_network == []


def test_aioboto3_client_is_answered_with_deliveries_and_callbacks(no_network: list[str]) -> None:
    received: list[Any] = []

    async def scenario() -> None:
        async with aioboto3.Session(**KEYS).client("events", region_name="us-east-1") as client:
            await route_orders(client)
            await client.put_events(Entries=[ENTRY, ENTRY])

    with mock_events() as m:
        m.on_target(QUEUE, received.append)
        run(scenario())
    assert [d.json()["source"] for d in received] == ["shop", "shop"]
    assert m.deliveries(QUEUE) == received
    assert no_network == []


def test_an_aio_after_call_handler_awaits_the_content_and_text_of_the_answer() -> None:
    # aiobotocore's own HTTP response (AioAWSResponse) has awaitable content and text.
    seen: list[Any] = []

    async def after_call(http_response: Any, parsed: Any, **_: Any) -> None:
        seen.append((http_response.status_code, await http_response.content, await http_response.text, parsed))

    async def scenario() -> None:
        async with aio_client() as client:
            client.meta.events.register("after-call.eventbridge.*", after_call)
            await client.create_event_bus(Name="b")
            with pytest.raises(ClientError):
                await client.describe_event_bus(Name="missing")

    with mock_events():
        run(scenario())
    (status, content, text, parsed), (error_status, error_content, error_text, _) = seen
    assert status == 200 and json.loads(content) == json.loads(text) == {"EventBusArn": parsed["EventBusArn"]}
    assert error_status == 400 and b"ResourceNotFoundException" in error_content
    assert "ResourceNotFoundException" in error_text


def test_aio_errors_are_botocores_errors() -> None:
    async def describe_missing() -> ClientError:
        async with aioboto3.Session(**KEYS).client("events", region_name="us-east-1") as client:
            with pytest.raises(client.exceptions.ResourceNotFoundException) as caught:
                await client.describe_rule(Name="missing")
            return caught.value

    with mock_events():
        aio_error = run(describe_missing())
        with pytest.raises(ClientError) as caught:
            boto3.client("events", region_name="us-east-1").describe_rule(Name="missing")
    assert aio_error.response["Error"] == caught.value.response["Error"]
    assert aio_error.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_aio_validation_errors_are_botocores(no_network: list[str]) -> None:
    async def bad_pattern() -> ClientError:
        async with aio_client() as client:
            with pytest.raises(ClientError) as caught:
                await client.put_rule(Name="r", EventPattern='{"source": "not-a-list"}')
            return caught.value

    with mock_events():
        error = run(bad_pattern())
    assert error.response["Error"]["Code"] == "InvalidEventPatternException"


def test_aio_answers_equal_botocore_answers_and_read_the_same_clock() -> None:
    moment = datetime(2031, 5, 6, 7, 8, 9, tzinfo=timezone.utc)

    async def describe() -> tuple[dict[str, Any], dict[str, Any]]:
        async with aio_client() as client:
            await client.create_event_bus(Name="b")
            return await client.describe_event_bus(Name="b"), await client.describe_rule(Name="orders")

    with mock_events() as m:
        m.clock.freeze()
        m.clock.set(moment)
        events = boto3.client("events", region_name="us-east-1", **KEYS)
        events.put_rule(Name="orders", EventPattern='{"source": ["shop"]}')
        aio_bus, aio_rule = run(describe())
        rule = events.describe_rule(Name="orders")
    for answer in (aio_rule, rule):
        del answer["ResponseMetadata"]
    assert aio_rule == rule
    assert aio_bus["CreationTime"] == moment


def test_aio_scheduled_rule_fires_as_the_clock_advances() -> None:
    async def schedule() -> None:
        async with aio_client() as client:
            await client.put_rule(Name="tick", ScheduleExpression="rate(5 minutes)")
            await client.put_targets(Rule="tick", Targets=[{"Id": "q", "Arn": QUEUE}])

    with mock_events() as m:
        m.clock.freeze()
        run(schedule())
        m.clock.advance(minutes=15)
    assert [d.json()["detail-type"] for d in m.deliveries()] == ["Scheduled Event"] * 3


def test_aio_access_key_of_12_digits_is_the_account() -> None:
    async def put() -> None:
        async with aio_client(aws_access_key_id="111122223333", aws_secret_access_key="x") as client:
            await client.put_events(Entries=[ENTRY])

    with mock_events() as m:
        run(put())
    assert m.events()[0]["account"] == "111122223333"


def test_aio_region_of_the_client_is_the_region_served() -> None:
    async def buses() -> dict[str, Any]:
        async with aio_client(region="eu-west-1") as client:
            return await client.list_event_buses()

    with mock_events():
        answer = run(buses())
    assert answer["EventBuses"][0]["Arn"] == "arn:aws:events:eu-west-1:123456789012:event-bus/default"


@mock_events
async def _decorated_async_test() -> int:
    async with aioboto3.Session(**KEYS).client("events", region_name="us-east-1") as client:
        await client.put_events(Entries=[ENTRY])
    return len(current_mock().events())


def test_decorated_async_function_is_served_and_finds_its_mock() -> None:
    assert run(_decorated_async_test()) == 1


def test_nothing_of_ours_is_left_in_aiobotocore_after_stop(no_network: list[str]) -> None:
    async def scenario() -> None:
        config = AioConfig(retries={"max_attempts": 1})
        async with aio_client(config=config, **KEYS) as client:
            emitter = client.meta.events._emitter  # behind botocore's EventAliaser
            event = "before-call.eventbridge.ListRules"
            with mock_events():
                await client.list_rules()
                assert any(h.__module__ == "mock_events.interceptor" for h in emitter._handlers.prefix_search(event))
            assert not patching.is_ours(aiobotocore.client.AioBaseClient.__dict__["_make_api_call"])
            for owner, name in (
                (AioSession, "_create_client"),
                (AioSession, "get_credentials"),
                (AioIMDSRegionProvider, "provide"),
            ):
                assert not isinstance(owner.__dict__[name], wrapt.FunctionWrapper), name
            handlers = emitter._handlers.prefix_search(event)
            assert not any(getattr(h, "__module__", "").startswith("mock_events") for h in handlers)
            # Unmocked, the request goes for the network (which the guard refuses).
            with pytest.raises(Exception) as refused:  # noqa: B017 - the guard's error, as aiohttp passes it on
                await client.list_rules()
            assert "network used" in str(refused.value) or isinstance(refused.value, NetworkUsed)

    run(scenario())
    assert no_network, "the unmocked call should have tried the network"
    no_network.clear()  # the attempt was the point: the guard's teardown check passes


def test_a_wrapt_wrapper_on_aiobotocore_put_on_before_the_mock_still_gets_the_client_as_its_instance(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As ddtrace does: wrapt.wrap_function_wrapper(AioBaseClient, "_make_api_call", ...), whose
    # wrapper reads the client from instance and the operation's name from args[0].
    seen = []

    async def traced(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
        seen.append((instance.meta.service_model.service_name, args[0]))
        return await wrapped(*args, **kwargs)

    owner = aiobotocore.client.AioBaseClient
    monkeypatch.setattr(owner, "_make_api_call", owner.__dict__["_make_api_call"])  # put back at teardown
    wrapt.wrap_function_wrapper(owner, "_make_api_call", traced)

    async def scenario() -> list[Any]:
        async with aio_client() as client:
            with mock_events():
                return (await client.list_rules())["Rules"]

    assert run(scenario()) == []
    assert seen == [("events", "ListRules")]


def test_aio_client_created_without_a_region_gets_the_mock_region(bare_aws_environment: Any) -> None:
    async def buses() -> tuple[str, dict[str, Any]]:
        async with aiobotocore_session.get_session().create_client("events", **KEYS) as client:
            return client.meta.region_name, await client.list_event_buses()

    with mock_events(region="ap-southeast-2"):
        region, answer = run(buses())
    assert region == "ap-southeast-2"
    assert ":ap-southeast-2:" in answer["EventBuses"][0]["Arn"]


def test_aio_client_without_keys_loads_no_credentials_under_the_mock(bare_aws_environment: Any) -> None:
    """With no keys anywhere, aiobotocore's chain would end at the instance-metadata endpoint."""

    async def put() -> None:
        async with aiobotocore_session.get_session().create_client("events", region_name="us-east-1") as client:
            await client.put_events(Entries=[ENTRY])
            assert client._request_signer._credentials.method == "deferred"

    with mock_events() as m:
        run(put())
    assert m.events()[0]["account"] == "123456789012"


def test_aio_client_in_defaults_mode_auto_asks_instance_metadata_nothing(bare_aws_environment: Any) -> None:
    bare_aws_environment.write_config("[default]\ndefaults_mode = auto\n")

    async def put() -> None:
        async with aio_client() as client:
            await client.put_events(Entries=[ENTRY])

    with mock_events() as m:
        run(put())
    assert len(m.events()) == 1


def test_aio_client_takes_the_environments_keys_at_creation(
    bare_aws_environment: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "111122223333")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")

    async def put() -> None:
        async with aiobotocore_session.get_session().create_client("events", region_name="us-east-1") as client:
            await client.put_events(Entries=[ENTRY])

    with mock_events() as m:
        run(put())
    assert m.events()[0]["account"] == "111122223333"


def test_aio_client_created_under_the_mock_loads_its_credentials_when_it_signs_after(
    bare_aws_environment: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def scenario() -> tuple[str, Any]:
        session = aiobotocore_session.get_session()
        with mock_events() as m:
            client = await session.create_client("events", region_name="us-east-1").__aenter__()
            await client.put_events(Entries=[ENTRY])
            account = m.events()[0]["account"]
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "111122223333")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
        try:
            frozen = await client._request_signer._credentials.get_frozen_credentials()
        finally:
            await client.__aexit__(None, None, None)
        return account, frozen

    account, frozen = run(scenario())
    assert account == "123456789012"  # nothing loaded under the mock: the mock's account
    assert (frozen.access_key, frozen.secret_key) == ("111122223333", "secret")


def test_aiobotocore_imported_while_a_mock_is_active_is_served(tmp_path: Path) -> None:
    script = """
import asyncio, socket, sys
def refuse(*a, **k):
    raise OSError("network used")
socket.getaddrinfo = socket.create_connection = refuse
from mock_events import mock_events
assert "aiobotocore" not in sys.modules
with mock_events() as m:
    import aiobotocore.session
    async def put():
        session = aiobotocore.session.get_session()
        async with session.create_client(
            "events", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
        ) as client:
            await client.put_events(Entries=[{"Source": "s", "DetailType": "d", "Detail": "{}"}])
    asyncio.run(put())
    assert len(m.events()) == 1
import aiobotocore.client
from mock_events import patching
assert not patching.is_ours(aiobotocore.client.AioBaseClient.__dict__["_make_api_call"])
assert not any(type(f).__module__.startswith("mock_events") for f in sys.meta_path)
print("served")
"""
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "served"
