"""Options of one mock: ``seed`` makes the ids it hands out reproducible, ``check_responses``
holds its answers to the model's output shapes. Neither reaches another mock."""

from __future__ import annotations

import random
import threading
import uuid
from typing import Any

import boto3
import pytest

from mock_events import EventsMock, mock_events
from mock_events.mock import CHECK_RESPONSES_VARIABLE
from mock_events.model import OutputShapeError
from mock_events.service import HANDLERS

REGION = "us-east-1"
QUEUE = f"arn:aws:sqs:{REGION}:123456789012:q"
OAUTH = {
    "OAuthParameters": {
        "AuthorizationEndpoint": "https://auth.example.com/token",
        "HttpMethod": "POST",
        "ClientParameters": {"ClientID": "id", "ClientSecret": "secret"},
    }
}
ENDPOINT_BUSES = [
    {"EventBusArn": f"arn:aws:events:{REGION}:123456789012:event-bus/default"},
    {"EventBusArn": "arn:aws:events:us-west-2:123456789012:event-bus/default"},
]
ROUTING = {
    "FailoverConfig": {
        "Primary": {"HealthCheck": "arn:aws:route53:::healthcheck/abc"},
        "Secondary": {"Route": "us-west-2"},
    }
}


def _ids_of_one_run(**options: Any) -> list[str]:
    """Every id a fixed sequence of calls gets back: request ids, event ids, ARNs with ids in
    them, an endpoint id, the event ids targets receive."""
    with mock_events(**options) as mock:
        client = boto3.client("events", region_name=REGION)
        ids: list[str] = []

        def call(method: str, **params: Any) -> dict[str, Any]:
            out = getattr(client, method)(**params)
            ids.append(out["ResponseMetadata"]["RequestId"])
            return out

        call("put_rule", Name="r", EventPattern='{"source":["orders"]}')
        call("put_targets", Rule="r", Targets=[{"Id": "q", "Arn": QUEUE}])
        out = call("put_events", Entries=[{"Source": "orders", "DetailType": "d", "Detail": "{}"}] * 3)
        ids += [entry["EventId"] for entry in out["Entries"]]
        connection = call("create_connection", Name="c", AuthorizationType="OAUTH_CLIENT_CREDENTIALS",
                          AuthParameters=OAUTH)
        ids.append(connection["ConnectionArn"])
        ids.append(call("describe_connection", Name="c")["SecretArn"])
        ids.append(call("create_api_destination", Name="d", ConnectionArn=connection["ConnectionArn"],
                        InvocationEndpoint="https://x.example.com", HttpMethod="POST")["ApiDestinationArn"])
        call("create_endpoint", Name="e", RoutingConfig=ROUTING, EventBuses=ENDPOINT_BUSES)
        ids.append(call("describe_endpoint", Name="e")["EndpointId"])
        assert len(ids) == len(set(ids))
        # Targets receive the event ids PutEvents answered.
        assert [d.event["id"] for d in mock.deliveries()] == [e["EventId"] for e in out["Entries"]]
        return ids


def test_the_same_seed_gives_the_same_ids_in_every_run() -> None:
    assert _ids_of_one_run(seed=7) == _ids_of_one_run(seed=7)


def test_ids_are_version_4_uuids_of_the_seeded_random_bits() -> None:
    from mock_events.ids import Ids

    ids, bits = Ids(seed=7), random.Random(7)
    for _ in range(1000):
        assert ids.uuid() == str(uuid.UUID(int=bits.getrandbits(128), version=4))


def test_ids_drawn_ahead_are_the_seeded_ones_however_uuids_and_characters_interleave() -> None:
    from mock_events.ids import Ids

    plans = random.Random(0)
    for seed in range(40):
        ids, bits = Ids(seed=seed), random.Random(seed)
        for _ in range(plans.randint(1, 600)):
            if plans.random() < 0.85:
                assert ids.uuid() == str(uuid.UUID(int=bits.getrandbits(128), version=4))
            else:
                count = plans.randint(1, 40)
                assert ids.characters("abc123", count) == "".join(bits.choices("abc123", k=count))


def test_threads_drawing_ids_never_get_the_same_one() -> None:
    from mock_events.ids import Ids

    ids, got = Ids(seed=1), []

    def draw() -> None:
        for i in range(5000):
            got.append(ids.uuid())
            if i % 97 == 0:
                ids.characters("ab", 3)  # takes the source back to the ids handed out

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(got)) == len(got) == 20000


def test_different_seeds_give_different_ids() -> None:
    first, second = _ids_of_one_run(seed=7), _ids_of_one_run(seed=8)
    assert not set(first) & set(second)


def test_without_a_seed_each_run_gets_fresh_ids() -> None:
    assert not set(_ids_of_one_run()) & set(_ids_of_one_run())


def test_a_seeded_decorated_test_gets_the_same_ids_on_each_call() -> None:
    seen: list[str] = []

    @mock_events(seed="snapshot")
    def put_one() -> None:
        client = boto3.client("events", region_name=REGION)
        out = client.put_events(Entries=[{"Source": "s", "DetailType": "d", "Detail": "{}"}])
        seen.append(out["Entries"][0]["EventId"])

    put_one()
    put_one()
    assert seen[0] == seen[1]


def _answer_out_of_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(HANDLERS, "DescribeRule", lambda ctx, params: {"Name": "r", "Colour": "red"})


def test_a_mock_that_checks_responses_fails_the_test_on_an_answer_outside_the_output_shape(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _answer_out_of_shape(monkeypatch)
    with mock_events(check_responses=True):
        with pytest.raises(OutputShapeError, match="DescribeRule answered outside its output shape"):
            boto3.client("events", region_name=REGION).describe_rule(Name="r")


def test_a_mock_that_does_not_check_responses_answers_as_its_handler_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _answer_out_of_shape(monkeypatch)
    with mock_events(check_responses=False):
        assert boto3.client("events", region_name=REGION).describe_rule(Name="r")["Name"] == "r"


def test_response_checking_follows_the_environment_unless_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CHECK_RESPONSES_VARIABLE, "1")
    assert EventsMock().check_responses is True
    assert EventsMock(check_responses=False).check_responses is False
    monkeypatch.delenv(CHECK_RESPONSES_VARIABLE)
    assert EventsMock().check_responses is False


@mock_events
def test_decorated_tests_of_this_suite_check_their_responses() -> None:
    from mock_events.interceptor import active_mock

    mock = active_mock()
    assert mock is not None and mock.check_responses


def test_no_id_comes_from_a_source_the_seed_does_not_reach() -> None:
    import re
    from pathlib import Path

    import mock_events

    package = Path(mock_events.__file__).parent
    unseeded = re.compile(
        r"\buuid\.uuid[14]\(|^\s*(import random|from random import)|\bos\.urandom\(|\bsecrets\.", re.M
    )
    offenders = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path.name != "ids.py" and unseeded.search(path.read_text())
    ]
    assert offenders == []
