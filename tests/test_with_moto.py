"""The switch for moto suites: with it on, moto's activations also answer EventBridge with mock-events."""

from __future__ import annotations

import asyncio
import io
import json
import unittest
from pathlib import Path

import boto3
import pytest
import wrapt
from botocore.exceptions import ClientError

import mock_events as package
from mock_events import interceptor, with_moto

moto = pytest.importorskip("moto")
from moto.core.models import MockAWS  # noqa: E402

pytest_plugins = ("pytester",)

REGION = "us-east-1"
MOTO_STYLE = Path(__file__).resolve().parent / "moto_style"


def answered_by_mock_events() -> bool:
    """An empty pattern: moto accepts it, AWS and mock-events refuse it."""
    events = boto3.client("events", region_name=REGION)
    try:
        events.put_rule(Name="probe", EventPattern="{}")
    except ClientError as error:
        return error.response["Error"]["Code"] == "InvalidEventPatternException"
    events.delete_rule(Name="probe")
    return False


def buses() -> set[str]:
    events = boto3.client("events", region_name=REGION)
    return {b["Name"] for b in events.list_event_buses()["EventBuses"]}


# -- the moto-style suite, unchanged, with the switch turned on -----------------------------


def run_moto_style_suite(pytester: pytest.Pytester, *args: str, ini: str = "") -> pytest.RunResult:
    pytester.makepyfile(test_suite=(MOTO_STYLE / "suite.py").read_text())
    pytester.makepyfile(test_probe=(MOTO_STYLE / "probe.py").read_text())
    if ini:
        pytester.makeini(ini)
    return pytester.runpytest_inprocess("-p", "no:randomly", "-p", "no:xdist", *args)


def test_a_moto_suite_passes_with_the_ini_option_and_mock_events_answers(pytester):
    result = run_moto_style_suite(pytester, ini="[pytest]\nmock_events_with_moto = true\n")
    result.assert_outcomes(passed=9)
    assert not isinstance(MockAWS.__dict__["start"], wrapt.FunctionWrapper)


def test_a_moto_suite_passes_with_the_command_line_flag(pytester):
    run_moto_style_suite(pytester, "--mock-events-with-moto").assert_outcomes(passed=9)


def test_without_the_switch_moto_answers_eventbridge_in_that_suite(pytester):
    result = run_moto_style_suite(pytester, "-k", "probe")
    result.assert_outcomes(failed=1)


def test_a_unittest_suite_under_with_moto_runs_unchanged():
    namespace: dict = {"__name__": "moto_style_suite"}
    exec(compile((MOTO_STYLE / "suite.py").read_text(), "suite.py", "exec"), namespace)
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(namespace["TestPaidOrders"])
    with with_moto():
        result = unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(suite)
    assert result.wasSuccessful() and result.testsRun == 4, result.errors + result.failures


# -- the lifecycle follows moto's ------------------------------------------------------------


@with_moto()
def test_every_activation_kind_answers_eventbridge_with_mock_events():
    with moto.mock_aws():
        assert answered_by_mock_events()

    @moto.mock_aws
    def decorated() -> bool:
        return answered_by_mock_events()

    assert decorated()
    started = moto.mock_aws()
    started.start()
    try:
        assert answered_by_mock_events()
    finally:
        started.stop()
    assert interceptor.active_mock() is None


@with_moto()
def test_nested_activations_share_one_mock():
    with moto.mock_aws():
        boto3.client("events", region_name=REGION).create_event_bus(Name="outer")
        outer = interceptor.active_mock()
        with moto.mock_aws():
            assert interceptor.active_mock() is outer
            assert "outer" in buses()
        assert interceptor.active_mock() is outer
    assert interceptor.active_mock() is None


@with_moto()
def test_state_is_kept_when_moto_keeps_it_and_cleared_when_moto_clears_it():
    aws = moto.mock_aws()
    aws.start()
    boto3.client("events", region_name=REGION).create_event_bus(Name="kept")
    aws.stop(remove_data=False)
    aws.start(reset=False)
    assert "kept" in buses()
    aws.stop()
    aws.start(reset=False)
    assert buses() == {"default"}
    aws.stop()


@with_moto()
def test_a_fresh_activation_starts_empty():
    with moto.mock_aws():
        boto3.client("events", region_name=REGION).create_event_bus(Name="first")
    with moto.mock_aws():
        assert buses() == {"default"}


@with_moto()
def test_deliveries_go_into_moto():
    with moto.mock_aws():
        sqs = boto3.client("sqs", region_name=REGION)
        url = sqs.create_queue(QueueName="q")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events = boto3.client("events", region_name=REGION)
        events.put_rule(Name="r", EventPattern='{"source":["s"]}')
        events.put_targets(Rule="r", Targets=[{"Id": "q", "Arn": arn}])
        events.put_events(Entries=[{"Source": "s", "DetailType": "d", "Detail": '{"n": 1}'}])
        (message,) = sqs.receive_message(QueueUrl=url)["Messages"]
        assert json.loads(message["Body"])["detail"] == {"n": 1}


def test_the_switch_hands_over_the_mock_moto_started():
    with with_moto() as switch, moto.mock_aws():
        boto3.client("events", region_name=REGION).create_event_bus(Name="b")
        assert switch.mock is interceptor.active_mock() is package.current_mock()
        assert switch.mock.snapshot()  # the test can read what the mock holds


def test_turned_on_while_moto_is_active_it_answers_at_once_and_stops_when_turned_off():
    with moto.mock_aws():
        with with_moto():
            assert answered_by_mock_events()
        assert interceptor.active_mock() is None
        assert not answered_by_mock_events()


def test_switch_options_reach_the_mock():
    with with_moto(account_id="111122223333"), moto.mock_aws():
        arn = boto3.client("events", region_name=REGION).describe_event_bus()["Arn"]
        assert ":111122223333:" in arn


def test_the_account_is_motos_when_moto_account_id_is_set(monkeypatch):
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "444455556666")
    with with_moto(), moto.mock_aws():
        arn = boto3.client("events", region_name=REGION).describe_event_bus()["Arn"]
        assert ":444455556666:" in arn


def test_with_the_switch_off_nothing_of_ours_is_in_moto():
    with with_moto():
        with with_moto():
            assert isinstance(MockAWS.__dict__["start"], wrapt.FunctionWrapper)
        assert isinstance(MockAWS.__dict__["start"], wrapt.FunctionWrapper)
    assert not isinstance(MockAWS.__dict__["start"], wrapt.FunctionWrapper)
    assert not isinstance(MockAWS.__dict__["stop"], wrapt.FunctionWrapper)
    with moto.mock_aws():
        assert interceptor.active_mock() is None


def test_it_is_also_mock_events_with_moto():
    assert package.mock_events.with_moto is with_moto


def test_a_decorated_coroutine_function_has_the_switch_on():
    @with_moto()
    async def run() -> bool:
        with moto.mock_aws():
            return answered_by_mock_events()

    assert asyncio.run(run())


def test_a_decorated_test_case_has_the_switch_on_from_set_up_to_its_cleanups():
    seen = []

    @with_moto()
    @moto.mock_aws
    class Case(unittest.TestCase):
        def setUp(self) -> None:
            boto3.client("events", region_name=REGION).create_event_bus(Name="from-set-up")

        def test_it(self) -> None:
            seen.append(("from-set-up" in buses(), answered_by_mock_events()))

    result = unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(
        unittest.defaultTestLoader.loadTestsFromTestCase(Case)
    )
    assert result.wasSuccessful(), result.errors + result.failures
    assert seen == [(True, True)]
    assert not isinstance(MockAWS.__dict__["start"], wrapt.FunctionWrapper)


def test_without_moto_installed_the_switch_says_so(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "moto.core.models", None)
    with pytest.raises(RuntimeError, match="needs moto"):
        with with_moto():
            pass


def test_a_switch_cannot_be_turned_on_twice():
    switch = with_moto()
    with switch:
        with pytest.raises(RuntimeError, match="already on"):
            switch.__enter__()


def test_a_failing_moto_style_test_reports_the_shared_mock_once(pytester):
    pytester.makepyfile(test_failing="""
        import unittest
        import boto3
        from moto import mock_aws

        @mock_aws
        class TestIt(unittest.TestCase):
            def setUp(self):
                boto3.client("events", region_name="us-east-1").create_event_bus(Name="made-in-set-up")

            def test_fails(self):
                assert False
    """)
    result = pytester.runpytest_inprocess("-p", "no:randomly", "-p", "no:xdist", "--mock-events-with-moto")
    result.assert_outcomes(failed=1)
    report = result.stdout.str()
    assert report.count("mock-events") >= 1 and "1 of 2" not in report


@with_moto()
@moto.mock_aws
class TestAPytestClassWithSetupMethod:
    def setup_method(self, method) -> None:  # noqa: ANN001
        boto3.client("events", region_name=REGION).create_event_bus(Name="from-setup-method")

    def test_sees_what_setup_method_made_through_mock_events(self) -> None:
        assert "from-setup-method" in buses()
        assert answered_by_mock_events()
