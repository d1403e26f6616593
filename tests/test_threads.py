"""One process-wide answering mock: it answers the calls of every thread, and a mock started in a
second thread while another thread's mock is active is refused with a RuntimeError."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import boto3

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
