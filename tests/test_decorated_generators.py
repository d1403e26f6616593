"""``@mock_events`` on generators and async generators: the mock is active from the first step
until the generator finishes or is closed, as a ``with mock_events():`` around the body would be."""

from __future__ import annotations

import asyncio

import boto3
import pytest

from mock_events import interceptor, mock_events


def _buses(client) -> list[str]:  # noqa: ANN001 - a boto3 events client
    return sorted(bus["Name"] for bus in client.list_event_buses()["EventBuses"])


@pytest.fixture
@mock_events
def client_with_a_bus():
    client = boto3.client("events", region_name="us-east-1")
    client.create_event_bus(Name="fixture-bus")
    yield client
    client.delete_event_bus(Name="fixture-bus")
    assert _buses(client) == ["default", "test-bus"]


def test_a_decorated_yield_fixture_keeps_the_mock_active_for_the_test_and_its_teardown(
    no_network, client_with_a_bus
):
    client_with_a_bus.create_event_bus(Name="test-bus")
    assert _buses(client_with_a_bus) == ["default", "fixture-bus", "test-bus"]


def test_the_mock_is_active_while_the_generator_is_suspended_and_stops_when_it_ends(no_network):
    @mock_events
    def steps():
        client = boto3.client("events", region_name="us-east-1")
        client.create_event_bus(Name="from-the-generator")
        yield client
        yield _buses(client)
        return "done"

    generator = steps()
    assert interceptor.active_mock() is None  # not started before its first step
    client = next(generator)
    client.create_event_bus(Name="from-the-caller")
    assert next(generator) == ["default", "from-the-caller", "from-the-generator"]
    with pytest.raises(StopIteration) as stop:
        next(generator)
    assert stop.value.value == "done"
    assert interceptor.active_mock() is None


def test_closing_a_decorated_generator_early_stops_its_mock():
    @mock_events
    def forever():
        while True:
            yield interceptor.active_mock()

    generator = forever()
    assert next(generator) is not None
    generator.close()
    assert interceptor.active_mock() is None


def test_send_and_throw_reach_the_decorated_generator():
    @mock_events
    def echo():
        received = yield "ready"
        try:
            yield f"got {received}", interceptor.active_mock() is not None
        except KeyError as error:
            yield f"caught {error.args[0]}", interceptor.active_mock() is not None

    generator = echo()
    assert next(generator) == "ready"
    assert generator.send("x") == ("got x", True)
    assert generator.throw(KeyError("k")) == ("caught k", True)
    generator.close()
    assert interceptor.active_mock() is None


def test_each_run_of_a_decorated_generator_starts_empty():
    @mock_events
    def create_and_list():
        client = boto3.client("events", region_name="us-east-1")
        client.create_event_bus(Name="only-this-run")
        yield _buses(client)

    assert [list(create_and_list()), list(create_and_list())] == [[["default", "only-this-run"]]] * 2


def test_a_decorated_async_generator_keeps_the_mock_active_across_awaits_and_yields(no_network):
    @mock_events
    async def steps():
        client = boto3.client("events", region_name="us-east-1")
        await asyncio.sleep(0)
        client.create_event_bus(Name="from-the-generator")
        received = yield client
        await asyncio.sleep(0)
        yield (received, _buses(client))

    async def consume():
        generator = steps()
        client = await generator.__anext__()
        await asyncio.sleep(0)
        client.create_event_bus(Name="from-the-caller")
        received, buses = await generator.asend("hello")
        with pytest.raises(StopAsyncIteration):
            await generator.__anext__()
        return received, buses

    assert asyncio.run(consume()) == ("hello", ["default", "from-the-caller", "from-the-generator"])
    assert interceptor.active_mock() is None


def test_athrow_and_aclose_reach_the_decorated_async_generator():
    closed = []

    @mock_events
    async def guarded():
        try:
            try:
                yield "ready"
            except KeyError:
                yield "caught"
            yield "after"
        finally:
            closed.append(interceptor.active_mock() is not None)

    async def consume():
        generator = guarded()
        assert await generator.__anext__() == "ready"
        assert await generator.athrow(KeyError("k")) == "caught"
        await generator.aclose()

    asyncio.run(consume())
    assert closed == [True]
    assert interceptor.active_mock() is None


def test_an_exception_in_a_decorated_async_generator_reaches_the_caller_and_stops_the_mock():
    @mock_events
    async def failing():
        yield interceptor.active_mock() is not None
        raise ValueError("from the body")

    seen = []

    async def consume():
        async for active in failing():
            seen.append(active)

    with pytest.raises(ValueError, match="from the body"):
        asyncio.run(consume())
    assert seen == [True]
    assert interceptor.active_mock() is None
