"""The mock changes nothing outside the events service: no process environment variable is set
or removed, clients of other services are created as without it, and a Region-less events client
gets the Region of the mock answering it."""

from __future__ import annotations

import os

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import NoRegionError
from conftest import AwsFiles

from mock_events import mock_events


def test_the_process_environment_is_the_same_during_and_after_the_mock(bare_aws_environment: AwsFiles):
    before = dict(os.environ)
    with mock_events():
        boto3.session.Session().client("events").list_rules()
        assert dict(os.environ) == before
    assert dict(os.environ) == before


def test_a_client_of_another_service_with_no_region_still_has_none(bare_aws_environment: AwsFiles):
    with mock_events(), pytest.raises(NoRegionError):
        boto3.session.Session().client("sqs")


def test_an_events_client_with_no_region_gets_the_mocks_region(bare_aws_environment: AwsFiles):
    with mock_events(region="ap-southeast-2"):
        client = boto3.session.Session().client("events")
        assert client.meta.region_name == "ap-southeast-2"
        assert client.create_event_bus(Name="b")["EventBusArn"].split(":")[3] == "ap-southeast-2"


def test_an_events_client_created_in_a_nested_mock_gets_the_inner_mocks_region(bare_aws_environment: AwsFiles):
    with mock_events(region="us-east-1"):
        with mock_events(region="eu-west-1"):
            inner = boto3.session.Session().client("events")
        outer = boto3.session.Session().client("events")
    assert (inner.meta.region_name, outer.meta.region_name) == ("eu-west-1", "us-east-1")


def test_a_configured_region_wins_over_the_mocks(bare_aws_environment: AwsFiles, monkeypatch):
    bare_aws_environment.write_config("[default]\nregion = sa-east-1\n")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ca-central-1")
    with mock_events(region="eu-west-1"):
        from_environment = boto3.session.Session().client("events")
        from_config = boto3.session.Session().client("events", config=Config(region_name="me-south-1"))
        monkeypatch.delenv("AWS_DEFAULT_REGION")
        from_file = boto3.session.Session().client("events")
    assert from_environment.meta.region_name == "ca-central-1"
    assert from_config.meta.region_name == "me-south-1"
    assert from_file.meta.region_name == "sa-east-1"


def test_a_region_the_user_sets_while_the_mock_is_active_stays_after_it_stops(bare_aws_environment: AwsFiles):
    try:
        with mock_events():
            os.environ["AWS_DEFAULT_REGION"] = "eu-north-1"
            assert boto3.session.Session().client("events").meta.region_name == "eu-north-1"
        assert os.environ["AWS_DEFAULT_REGION"] == "eu-north-1"
    finally:
        os.environ.pop("AWS_DEFAULT_REGION", None)

