"""The parsed answer a caller gets is exactly what botocore's JSON parser makes of the same
document: for every operation, a document filling every member of its output shape (and one with
no member) parses alike, types, time zones and key order included.

The whole suite also compares the two on every answer it gets (``check_responses``).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.model import Shape

from mock_events import parsing
from mock_events.model import service_model

HEADERS = {"x-amzn-requestid": "6a7e8feb-b491-4cf7-a9f1-bf3703467718", "content-type": "application/x-amz-json-1.1"}


def _filled(shape: Shape, depth: int = 0) -> Any:
    """A value of ``shape`` with every member set (two items in each list and map)."""
    t = shape.type_name
    if t == "structure":
        if depth > 6:
            return {}
        return {name: _filled(member, depth + 1) for name, member in reversed(shape.members.items())}
    if t == "list":
        return [_filled(shape.member, depth + 1), _filled(shape.member, depth + 1)]
    if t == "map":
        return {"k1": _filled(shape.value, depth + 1), "k2": _filled(shape.value, depth + 1)}
    if t == "timestamp":
        return datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=timezone(timedelta(hours=2)))
    if t == "boolean":
        return True
    if t in ("integer", "long"):
        return 7
    if t in ("float", "double"):
        return 1.5
    return shape.enum[0] if shape.enum else "text"


OPERATIONS = sorted(service_model().operation_names)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_member_of_every_output_parses_as_botocore_parses_it(operation: str) -> None:
    model = service_model().operation_model(operation)
    document = _filled(model.output_shape) if model.output_shape is not None else {}
    assert parsing.same_as_botocore(model, document, HEADERS) is None


def _with_nulls(shape: Shape, depth: int = 0, *, empty: bool = False) -> Any:
    """A value of ``shape`` with every member set, every other leaf member null, and each list
    and map holding a null beside a filled item (``empty``: every list and map below the top empty)."""
    t = shape.type_name
    if t == "structure":
        if depth > 6:
            return {}
        out = {}
        for i, (name, member) in enumerate(shape.members.items()):
            leaf = member.type_name not in ("structure", "list", "map")
            out[name] = None if leaf and i % 2 else _with_nulls(member, depth + 1, empty=empty)
        return out
    if t == "list":
        return [] if empty and depth > 1 else [None, _with_nulls(shape.member, depth + 1, empty=empty)]
    if t == "map":
        return {} if empty and depth > 1 else {"k0": None, "k1": _with_nulls(shape.value, depth + 1, empty=empty)}
    return _filled(shape, depth)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_null_items_null_members_and_empty_containers_parse_as_botocore_parses_them(operation: str) -> None:
    model = service_model().operation_model(operation)
    if model.output_shape is None:
        return
    for empty in (False, True):
        document = _with_nulls(model.output_shape, empty=empty)
        assert parsing.same_as_botocore(model, document, HEADERS) is None


@pytest.mark.parametrize("operation", OPERATIONS)
def test_an_empty_answer_parses_as_botocore_parses_it(operation: str) -> None:
    model = service_model().operation_model(operation)
    assert parsing.same_as_botocore(model, {}, HEADERS) is None


def test_members_without_a_value_and_unknown_members_are_left_out_as_botocore_leaves_them() -> None:
    model = service_model().operation_model("DescribeRule")
    document = {"State": "ENABLED", "Name": "r", "Description": None, "NotInTheModel": 1}
    parsed = parsing.parse(model, document, HEADERS)
    assert list(parsed) == ["Name", "State", "ResponseMetadata"]
    assert parsing.same_as_botocore(model, document, HEADERS) is None


def test_timestamps_come_out_as_botocore_gives_them_in_every_time_zone_form() -> None:
    model = service_model().operation_model("DescribeEventBus")
    for moment in (
        datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
        datetime(1, 1, 1, tzinfo=timezone.utc),
        datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc),
        1700000000,
        1700000000.5,
    ):
        document = {"Name": "b", "CreationTime": moment}
        assert parsing.same_as_botocore(model, document, HEADERS) is None


def test_the_parsed_answer_shares_no_list_or_dict_with_the_document() -> None:
    model = service_model().operation_model("ListRules")
    rules = [{"Name": "r", "State": "ENABLED"}]
    parsed = parsing.parse(model, {"Rules": rules}, HEADERS)
    parsed["Rules"][0]["Name"] = "changed"
    parsed["Rules"].append({})
    assert rules == [{"Name": "r", "State": "ENABLED"}]


def test_a_difference_from_botocore_is_reported_with_its_path() -> None:
    assert parsing._difference({"A": [1, "2"]}, {"A": [1, 2]}, "Op") == "Op.A[1]: str '2', botocore int 2"
    assert parsing._difference({"A": 1, "B": 2}, {"B": 2, "A": 1}, "Op") == "Op: keys ['A', 'B'], botocore ['B', 'A']"
    utc = datetime(2024, 1, 1, tzinfo=timezone.utc)
    assert parsing._difference(utc, utc.astimezone(timezone(timedelta(hours=1))), "Op")


def test_a_client_call_answers_the_parsed_dict_with_its_response_metadata(events) -> None:  # noqa: ANN001
    answer = events.put_rule(Name="r", EventPattern='{"source":["a"]}')
    assert list(answer) == ["RuleArn", "ResponseMetadata"]
    metadata = answer["ResponseMetadata"]
    assert list(metadata) == ["RequestId", "HTTPStatusCode", "HTTPHeaders", "RetryAttempts"]
    assert metadata["HTTPHeaders"] == {
        "x-amzn-requestid": metadata["RequestId"],
        "content-type": "application/x-amz-json-1.1",
    }
    assert (metadata["HTTPStatusCode"], metadata["RetryAttempts"]) == (200, 0)


def test_clients_of_their_own_sessions_each_get_the_parsed_answer(events_mock) -> None:  # noqa: ANN001
    for _ in range(3):
        client = boto3.session.Session().client("events", region_name="us-east-1")
        assert client.list_rules()["Rules"] == []


def _model_with_output(members: dict[str, Any], shapes: dict[str, Any]) -> Any:
    from botocore.model import ServiceModel

    return ServiceModel({
        "metadata": {"protocol": "json", "serviceId": "Made Up", "apiVersion": "2024-01-01"},
        "operations": {"Op": {"name": "Op", "http": {"method": "POST", "requestUri": "/"}, "output": {"shape": "Out"}}},
        "shapes": {"Out": {"type": "structure", "members": members}, **shapes},
    }).operation_model("Op")


@pytest.mark.parametrize("members, shapes, document", [
    ({"B": {"shape": "Bytes"}}, {"Bytes": {"type": "blob"}}, {"B": "aGk="}),
    ({"D": {"shape": "Doc"}}, {"Doc": {"type": "structure", "members": {}, "document": True}}, {"D": {"x": [1]}}),
    (
        {"N": {"shape": "Node"}},
        {"Node": {"type": "structure", "members": {"Next": {"shape": "Node"}, "V": {"shape": "S"}}}, "S": {"type": "string"}},
        {"N": {"V": "a", "Next": {"V": "b"}}},
    ),
], ids=["blob", "document", "recursive"])
def test_a_shape_the_conversion_does_not_cover_is_parsed_by_botocore_itself(members, shapes, document) -> None:
    model = _model_with_output(members, shapes)
    assert parsing.parser(model) is None
    assert parsing.parse(model, document, HEADERS) == parsing.botocore_parse(model, 200, HEADERS, document)
