"""One process-wide answering mock: it answers the calls of every thread, and a mock started in a
second thread while another thread's mock is active is refused with a RuntimeError."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import boto3
import botocore.client

from mock_events import interceptor, mock_events


def _in_a_thread(work, name: str = "worker"):  # noqa: ANN001, ANN202
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as error:  # noqa: BLE001 - handed to the test
            outcome.append(error)

    thread = threading.Thread(target=run, name=name)
    thread.start()
    thread.join(timeout=30)
    return outcome[0]


def test_the_active_mock_answers_calls_from_a_thread_pool():
    with mock_events() as mock:
        client = boto3.client("events", region_name="us-east-1")

        def create(n: int) -> str:
            return client.create_event_bus(Name=f"bus-{n}")["EventBusArn"]

        with ThreadPoolExecutor(4) as pool:
            arns = list(pool.map(create, range(8)))
        assert len(arns) == 8
        assert {bus["Name"] for bus in client.list_event_buses()["EventBuses"]} == {
            "default", *(f"bus-{n}" for n in range(8))
        }
        assert interceptor.active_mock() is mock


def test_starting_a_mock_in_another_thread_while_one_is_active_raises():
    with mock_events() as first:
        client = boto3.client("events", region_name="us-east-1")
        client.create_event_bus(Name="first-thread-bus")
        second = mock_events()
        error = _in_a_thread(second.start, name="second-thread")
        assert isinstance(error, RuntimeError)
        assert "'second-thread'" in str(error)
        assert repr(threading.current_thread().name) in str(error)
        assert not second.active
        assert interceptor.active_mock() is first
        assert "first-thread-bus" in {bus["Name"] for bus in client.list_event_buses()["EventBuses"]}


def test_a_decorated_function_run_in_another_thread_while_a_mock_is_active_raises():
    @mock_events
    def in_the_worker() -> str:
        return "ran"

    with mock_events():
        assert isinstance(_in_a_thread(in_the_worker), RuntimeError)
    assert _in_a_thread(in_the_worker) == "ran"


def test_a_thread_may_start_a_mock_once_the_other_threads_mock_stopped():
    first = mock_events().start()
    first.stop()
    assert _in_a_thread(lambda: mock_events().start().stop()) is None


def test_mocks_started_in_one_thread_nest():
    with mock_events() as outer, mock_events() as inner:
        assert interceptor.active_mock() is inner
    assert interceptor.active_mock() is None
    assert not outer.active


def test_a_refused_start_keeps_the_state_of_the_mocks_last_activation():
    mock = mock_events()
    with mock:
        boto3.client("events", region_name="us-east-1").create_event_bus(Name="kept")
    with mock_events():
        assert isinstance(_in_a_thread(mock.start), RuntimeError)
    assert "kept" in mock.snapshot()["event_buses"]


def test_a_call_racing_the_last_mock_s_stop_is_let_through_as_if_none_were_active(monkeypatch):
    # Another thread may stop the last mock between the answering handler seeing one active and
    # reading it; the handler then answers nothing (no mock is active), never an IndexError.
    class StoppedMeanwhile(list):
        def __bool__(self) -> bool:  # seen active ...
            return True

    monkeypatch.setattr(interceptor, "_active", StoppedMeanwhile())  # ... yet empty when read

    assert interceptor._answer(model=None, params={}, request_signer=None, context={}) is None


def test_a_client_first_called_while_the_mock_stops_in_another_thread_keeps_nothing_of_it():
    # The stop must not slip in while the first call gives the client our handler: a handler
    # registered after the stop would stay, and a client remembered without it would go to AWS
    # under the next mock.
    client = boto3.client("events", region_name="us-east-1", endpoint_url="http://127.0.0.1:9",
                          aws_access_key_id="a", aws_secret_access_key="b",
                          config=botocore.client.Config(retries={"max_attempts": 1}, connect_timeout=0.2))
    emitter = client.meta.events
    registered, stop_tried = threading.Event(), threading.Event()
    register = emitter.register

    def register_then_let_the_stop_try(event_name, handler, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        register(event_name, handler, *args, **kwargs)
        if event_name.startswith("before-call"):
            registered.set()
            stop_tried.wait(5)

    emitter.register = register_then_let_the_stop_try
    mock = mock_events()
    mock.start()
    first_call = threading.Thread(target=lambda: _in_a_thread(client.list_rules))
    first_call.start()
    assert registered.wait(5)
    stopping = threading.Thread(target=mock.stop)
    stopping.start()
    stopping.join(0.05)
    stop_tried.set()
    first_call.join(10)
    stopping.join(10)
    del emitter.register
    assert interceptor.active_mock() is None
    assert not [h for h in emitter._emitter._handlers.prefix_search("before-call.eventbridge.ListRules")
                if h.__module__.startswith("mock_events")]
    with mock_events():
        assert client.list_rules()["Rules"] == []
