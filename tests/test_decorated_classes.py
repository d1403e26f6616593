"""The decorator on classes: each test gets a fresh activation, set-up included."""

from __future__ import annotations

import unittest

import boto3

from mock_events import mock_events


def _bus_names():
    return [b["Name"] for b in boto3.client("events", region_name="us-east-1").list_event_buses()["EventBuses"]]


@mock_events
class TestUnittestCase(unittest.TestCase):
    def setUp(self):
        boto3.client("events", region_name="us-east-1").create_event_bus(Name="from-setup")

    def test_setup_ran_inside_the_same_activation(self):
        assert _bus_names() == ["default", "from-setup"]

    def test_each_test_starts_from_empty_state(self):
        boto3.client("events", region_name="us-east-1").create_event_bus(Name="only-here")
        assert _bus_names() == ["default", "from-setup", "only-here"]


@mock_events
class TestPlainClass:
    def test_one(self):
        boto3.client("events", region_name="us-east-1").create_event_bus(Name="one")
        assert _bus_names() == ["default", "one"]

    def test_two(self):
        assert _bus_names() == ["default"]


@mock_events
class TestPlainClassWithSetupMethod:
    def setup_method(self, method):
        boto3.client("events", region_name="us-east-1").create_event_bus(Name="setup")

    def test_setup_method_ran_inside_the_activation(self):
        assert _bus_names() == ["default", "setup"]
