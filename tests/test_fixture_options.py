"""The plugin's ``events_mock`` fixture takes ``EventsMock``'s options from the test's ``mock_events``
marker, so a test sets a quota, a region or the replay mode without reaching into the mock."""

from __future__ import annotations

import boto3
import pytest

pytest_plugins = ["pytester"]


@pytest.mark.mock_events(region="eu-west-1", account_id="111122223333")
def test_the_marker_sets_the_region_and_account_of_the_fixture(events_mock):
    arn = boto3.client("events").describe_event_bus()["Arn"]

    assert arn == "arn:aws:events:eu-west-1:111122223333:event-bus/default"
    assert events_mock.region == "eu-west-1"


@pytest.mark.mock_events(quotas={"rules_per_event_bus": 1})
def test_the_marker_sets_a_quota_of_the_fixture(events_mock):
    events = boto3.client("events", region_name="us-east-1")
    events.put_rule(Name="first", ScheduleExpression="rate(1 hour)")

    with pytest.raises(events.exceptions.LimitExceededException):
        events.put_rule(Name="second", ScheduleExpression="rate(1 hour)")


def test_without_a_marker_the_fixture_has_the_defaults(events_mock):
    arn = boto3.client("events", region_name="us-east-1").describe_event_bus()["Arn"]

    assert arn == "arn:aws:events:us-east-1:123456789012:event-bus/default"


@pytest.mark.mock_events(region="ap-south-1")
class TestAClassMarker:
    def test_reaches_every_test_of_the_class(self, events_mock):
        assert events_mock.region == "ap-south-1"

    @pytest.mark.mock_events(region="sa-east-1")
    def test_gives_way_to_the_test_s_own_marker(self, events_mock):
        assert events_mock.region == "sa-east-1"


@pytest.mark.parametrize(("options", "message"), [
    ('regoin="eu-west-1"', "*mock_events marker*unexpected keyword argument 'regoin'*"),
    ('replay_mode="fast"', "*mock_events marker: replay_mode must be 'immediate' or 'clock'*"),
    ('"eu-west-1"', "*mock_events marker takes keyword arguments only*"),
], ids=["not taken", "refused", "positional"])
def test_an_option_the_mock_does_not_take_or_refuses_is_a_usage_error(
        pytester: pytest.Pytester, options: str, message: str) -> None:
    pytester.makepyfile(f"""
        import pytest

        @pytest.mark.mock_events({options})
        def test_with_options(events_mock):
            pass
    """)
    result = pytester.runpytest("-p", "no:randomly")

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([message])


def test_the_marker_is_registered(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest

        @pytest.mark.mock_events(seed=1)
        def test_seeded(events_mock):
            assert events_mock.seed == 1
    """)
    result = pytester.runpytest("-p", "no:randomly", "--strict-markers")

    result.assert_outcomes(passed=1)


def test_a_test_s_own_marker_without_the_fixture_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import boto3
        import pytest
        from mock_events import mock_events

        @pytest.mark.mock_events(region="eu-west-1")
        @mock_events
        def test_decorated():
            pass
    """)
    result = pytester.runpytest("-p", "no:randomly")

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*mock_events marker sets the options of the events_mock fixture*"])


def test_a_module_marker_may_cover_tests_without_the_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest

        pytestmark = pytest.mark.mock_events(region="eu-west-1")

        def test_with_the_fixture(events_mock):
            assert events_mock.region == "eu-west-1"

        def test_without_it():
            pass
    """)
    result = pytester.runpytest("-p", "no:randomly")

    result.assert_outcomes(passed=2)
