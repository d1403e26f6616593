"""Targets."""

from __future__ import annotations

from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from conftest import error_of
from mock_events import target_kinds

QUEUE = "arn:aws:sqs:us-east-1:123456789012:q"


@pytest.fixture
def rule(events):
    events.put_rule(Name="r", EventPattern='{"source":["orders"]}')
    return "r"


def test_list_omits_unset_fields(events, rule):
    events.put_targets(Rule=rule, Targets=[{"Id": "t", "Arn": QUEUE, "InputPath": "$.detail"}])
    targets = events.list_targets_by_rule(Rule=rule)["Targets"]
    assert targets == [{"Id": "t", "Arn": QUEUE, "InputPath": "$.detail"}]


def test_same_id_replaces_the_target(events, rule):
    events.put_targets(Rule=rule, Targets=[{"Id": "t", "Arn": QUEUE}])
    events.put_targets(Rule=rule, Targets=[{"Id": "t", "Arn": QUEUE + "2"}])
    assert events.list_targets_by_rule(Rule=rule)["Targets"] == [{"Id": "t", "Arn": QUEUE + "2"}]


def test_put_targets_answers_no_failed_entries(events, rule):
    out = events.put_targets(Rule=rule, Targets=[{"Id": "t", "Arn": QUEUE}])
    assert out["FailedEntryCount"] == 0 and out["FailedEntries"] == []


def test_more_than_five_targets_is_refused_and_nothing_is_added(events, rule):
    with pytest.raises(ClientError) as excinfo:
        events.put_targets(Rule=rule, Targets=[{"Id": f"t{i}", "Arn": QUEUE} for i in range(7)])
    assert error_of(excinfo) == ("LimitExceededException", "The requested resource exceeds the maximum number allowed.")
    assert events.list_targets_by_rule(Rule=rule)["Targets"] == []


def test_targets_put_again_by_id_replace_theirs_within_the_quota_of_five(events, rule):
    five = [{"Id": f"t{i}", "Arn": QUEUE} for i in range(5)]
    events.put_targets(Rule=rule, Targets=five)
    again = [{**t, "Input": '{"again": true}'} for t in five]
    assert events.put_targets(Rule=rule, Targets=again)["FailedEntryCount"] == 0
    with pytest.raises(ClientError) as excinfo:
        events.put_targets(Rule=rule, Targets=[*again[1:], {"Id": "t5", "Arn": QUEUE}])
    assert error_of(excinfo)[0] == "LimitExceededException"
    assert events.list_targets_by_rule(Rule=rule)["Targets"] == again


def test_input_kinds_are_mutually_exclusive(events, rule):
    with pytest.raises(ClientError) as excinfo:
        events.put_targets(Rule=rule, Targets=[{"Id": "t", "Arn": QUEUE, "Input": "{}", "InputPath": "$.detail"}])
    assert error_of(excinfo) == (
        "ValidationException", "Only one of Input, InputPath, or InputTransformer must be provided for target t."
    )


def test_undefined_placeholder_is_refused(events, rule):
    with pytest.raises(ClientError) as excinfo:
        events.put_targets(Rule=rule, Targets=[{
            "Id": "t", "Arn": QUEUE,
            "InputTransformer": {"InputPathsMap": {"a": "$.detail"}, "InputTemplate": '{"x": <notdefinedkey>}'},
        }])
    assert error_of(excinfo) == (
        "ValidationException", "InputTemplate for target t contains invalid placeholder notdefinedkey."
    )


def test_target_on_unknown_rule(events):
    with pytest.raises(ClientError) as excinfo:
        events.put_targets(Rule="nope", Targets=[{"Id": "t", "Arn": QUEUE}])
    assert error_of(excinfo) == ("ResourceNotFoundException", "Rule nope does not exist on EventBus default.")


def test_remove_targets(events, rule):
    events.put_targets(Rule=rule, Targets=[{"Id": "a", "Arn": QUEUE}, {"Id": "b", "Arn": QUEUE}])
    out = events.remove_targets(Rule=rule, Ids=["a", "unknown"])
    assert out["FailedEntryCount"] == 0
    assert [t["Id"] for t in events.list_targets_by_rule(Rule=rule)["Targets"]] == ["b"]


def test_list_targets_pages(events, rule):
    events.put_targets(Rule=rule, Targets=[{"Id": f"t{i}", "Arn": QUEUE} for i in range(5)])
    first = events.list_targets_by_rule(Rule=rule, Limit=3)
    second = events.list_targets_by_rule(Rule=rule, Limit=3, NextToken=first["NextToken"])
    assert len(first["Targets"]) == 3 and len(second["Targets"]) == 2 and "NextToken" not in second


@pytest.mark.parametrize("arn", [
    "not-an-arn",
    "arn:aws:glue:us-east-1:123456789012:job/nightly",  # AWS's refusal of a Glue job, recorded
    "arn:aws:s3:::bucket",
    "arn:aws:events:us-east-1:123456789012:archive/a",
    "arn:aws:events:us-east-1:::",
])
def test_a_target_arn_of_no_kind_aws_accepts_is_not_in_correct_format(events, rule, arn):
    with pytest.raises(ClientError) as excinfo:
        events.put_targets(Rule=rule, Targets=[{"Id": "t", "Arn": arn}])
    assert error_of(excinfo) == (
        "ValidationException", f"Parameter {arn} is not valid. Reason: Provided Arn is not in correct format."
    )
    assert events.list_targets_by_rule(Rule=rule)["Targets"] == []


# One target ARN of each kind target_kinds.KINDS knows.
EXAMPLES = {
    "Lambda function": "arn:aws:lambda:us-east-1:123456789012:function:f",
    "SNS topic": "arn:aws:sns:us-east-1:123456789012:topic",
    "SQS FIFO queue": "arn:aws:sqs:us-east-1:123456789012:orders.fifo",
    "SQS queue": QUEUE,
    "CloudWatch Logs log group": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/x",
    "Kinesis stream": "arn:aws:kinesis:us-east-1:123456789012:stream/s",
    "Firehose delivery stream": "arn:aws:firehose:us-east-1:123456789012:deliverystream/d",
    "Step Functions state machine": "arn:aws:states:us-east-1:123456789012:stateMachine:sm",
    "CodeBuild project": "arn:aws:codebuild:us-east-1:123456789012:project/p",
    "CodePipeline pipeline": "arn:aws:codepipeline:us-east-1:123456789012:pipe",
    "ECS task": "arn:aws:ecs:us-east-1:123456789012:cluster/c",
    "Batch job queue": "arn:aws:batch:us-east-1:123456789012:job-queue/q",
    "Systems Manager Run Command": "arn:aws:ssm:us-east-1:123456789012:document/AWS-RunShellScript",
    "Systems Manager Automation": "arn:aws:ssm:us-east-1:123456789012:automation-definition/A:$DEFAULT",
    "Systems Manager OpsItem": "arn:aws:ssm:us-east-1:123456789012:opsitem",
    "Redshift cluster (Data API)": "arn:aws:redshift:us-east-1:123456789012:cluster:c",
    "Redshift Serverless workgroup (Data API)": "arn:aws:redshift-serverless:us-east-1:123456789012:workgroup/w",
    "SageMaker pipeline": "arn:aws:sagemaker:us-east-1:123456789012:pipeline/p",
    "Glue workflow": "arn:aws:glue:us-east-1:123456789012:workflow/w",
    "Incident Manager response plan": "arn:aws:ssm-incidents::123456789012:response-plan/r",
    "Inspector assessment template": "arn:aws:inspector:us-east-1:123456789012:target/0-a/template/0-b",
    "EC2 Image Builder pipeline": "arn:aws:imagebuilder:us-east-1:123456789012:image-pipeline/p",
    "AppSync GraphQL API": "arn:aws:appsync:us-east-1:123456789012:endpoints/graphql-api/abc",
    "API Gateway": "arn:aws:execute-api:us-east-1:123456789012:abc/prod/POST/orders",
    "API destination": "arn:aws:events:us-east-1:123456789012:api-destination/d/8b8c7c5e-0000-4000-8000-000000000000",
    "Event bus": "arn:aws:events:us-east-1:123456789012:event-bus/default",
    "EC2 built-in target": "arn:aws:events:us-east-1:123456789012:target/stop-instance",
}
ROLE = "arn:aws:iam::123456789012:role/events"
# A valid value of each kind parameter.
PARAMETERS = {
    "SqsParameters": {"MessageGroupId": "g"},
    "EcsParameters": {"TaskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/t:1"},
    "BatchParameters": {"JobDefinition": "d", "JobName": "n"},
    "RunCommandParameters": {"RunCommandTargets": [{"Key": "InstanceIds", "Values": ["i-1"]}]},
    "RedshiftDataParameters": {"Database": "db", "Sql": "select 1"},
    "AppSyncParameters": {"GraphQLOperation": "mutation { x }"},
    "KinesisParameters": {"PartitionKeyPath": "$.id"},
    "HttpParameters": {"HeaderParameters": {"h": "v"}},
    "SageMakerPipelineParameters": {"PipelineParameterList": []},
}


def test_every_target_kind_has_an_example():
    assert {k.name for k in target_kinds.KINDS} == set(EXAMPLES)
    assert set(target_kinds.kind_parameters()) == set(PARAMETERS)


def complete(kind):
    """A target of ``kind`` AWS accepts: its role and required parameters."""
    target = {"Id": "t", "Arn": EXAMPLES[kind.name], **{p: PARAMETERS[p] for p in kind.required}}
    if kind.role:
        target["RoleArn"] = ROLE
    return target


@pytest.mark.parametrize("kind", target_kinds.KINDS, ids=lambda k: k.name)
def test_a_complete_target_of_each_kind_is_accepted_and_listed_as_put(events, rule, kind):
    events.put_targets(Rule=rule, Targets=[complete(kind)])
    assert events.list_targets_by_rule(Rule=rule)["Targets"] == [complete(kind)]


@pytest.mark.parametrize("kind", [k for k in target_kinds.KINDS if k.role], ids=lambda k: k.name)
def test_a_target_that_acts_through_a_role_needs_role_arn(events, rule, kind):
    target = complete(kind)
    del target["RoleArn"]
    with pytest.raises(ClientError) as excinfo:
        events.put_targets(Rule=rule, Targets=[target])
    assert error_of(excinfo) == ("ValidationException", f"RoleArn is required for target {target['Arn']}.")
    assert events.list_targets_by_rule(Rule=rule)["Targets"] == []


@pytest.mark.parametrize(
    ("kind", "parameter"),
    [(k, p) for k in target_kinds.KINDS for p in k.required],
    ids=lambda v: getattr(v, "name", v),
)
def test_a_target_without_the_parameters_its_kind_needs_is_refused(events, rule, kind, parameter):
    target = complete(kind)
    del target[parameter]
    with pytest.raises(ClientError) as excinfo:
        events.put_targets(Rule=rule, Targets=[{"Id": "ok", "Arn": QUEUE}, target])
    message = (
        "Parameter RunCommandParameters is not valid for targett."  # sic: AWS's recorded text
        if parameter == "RunCommandParameters"
        else f"Parameter(s) {parameter} must be specified for target: t."
    )
    assert error_of(excinfo) == ("ValidationException", message)
    assert events.list_targets_by_rule(Rule=rule)["Targets"] == []


def test_a_fifo_queue_needs_a_message_group(events, rule):
    fifo = EXAMPLES["SQS FIFO queue"]
    for target in ({"Id": "t", "Arn": fifo}, {"Id": "t", "Arn": fifo, "SqsParameters": {}}):
        with pytest.raises(ClientError) as excinfo:
            events.put_targets(Rule=rule, Targets=[target])
        assert error_of(excinfo) == ("ValidationException", "Parameter(s) SqsParameters must be specified for target: t.")
    events.put_targets(Rule=rule, Targets=[{"Id": "t", "Arn": fifo, "SqsParameters": {"MessageGroupId": "g"}}])


@pytest.mark.parametrize(
    ("kind", "parameter"),
    [(k, p) for k in target_kinds.KINDS for p in PARAMETERS if p not in k.required + k.allowed],
    ids=lambda v: getattr(v, "name", v),
)
def test_parameters_of_another_kind_are_refused(events, rule, kind, parameter):
    target = {**complete(kind), parameter: PARAMETERS[parameter]}
    with pytest.raises(ClientError) as excinfo:
        events.put_targets(Rule=rule, Targets=[target])
    assert error_of(excinfo) == ("ValidationException", f"Parameter {parameter} is not valid for target t.")


def test_the_fidelity_page_shows_every_target_kind():
    page = (Path(__file__).resolve().parent.parent / "docs" / "fidelity.md").read_text()
    rows = {line.split("|")[1].strip() for line in page.splitlines() if line.startswith("| ")}
    assert {k.name for k in target_kinds.KINDS} <= rows


def test_of_several_parameters_of_another_kind_the_first_the_model_lists_is_named(events, rule):
    queue = EXAMPLES["SQS queue"]
    names = [n for n in target_kinds.kind_parameters() if n not in ("SqsParameters",)][:3]
    for order in (names, names[::-1]):
        target = {"Id": "t", "Arn": queue, **{n: PARAMETERS[n] for n in order}}
        with pytest.raises(ClientError) as excinfo:
            events.put_targets(Rule=rule, Targets=[target])
        assert error_of(excinfo) == ("ValidationException", f"Parameter {names[0]} is not valid for target t.")
