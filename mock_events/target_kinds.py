"""The kinds of target PutTargets accepts: which need a role, which parameters each needs and takes.

One row per kind, matched on the target ARN's service and resource (first matching row wins).
Each row names its source. The kinds are those the EventBridge user guide lists
(awsdocs/amazon-eventbridge-user-guide doc_source/eb-targets.md, "Targets available in the
EventBridge console"; AppSync and Redshift Serverless from the current Target API reference,
docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html). An ARN of any other kind
is refused as AWS refused a Glue job's ARN: ``Parameter <Arn> is not valid. Reason: Provided Arn
is not in correct format.`` (an AWS error quoted in public notes on a failed PutTargets).

Roles: "For AWS Lambda and Amazon SNS resources, EventBridge uses resource-based policies. For
EC2 instances, Kinesis data streams, and Step Functions state machines, EventBridge uses IAM
roles that you specify in the RoleARN parameter" (eb-targets.md, Permissions); SQS queues and
CloudWatch Logs groups also take resource policies (eb-use-resource-based.md), an API Gateway
role is optional. AWS's refusal, ``RoleArn is required for target <Arn>.``, is recorded for Step
Functions (hashicorp/terraform-provider-aws#19913), CodePipeline
(awsdocs/aws-codepipeline-user-guide#18), CodeBuild (awsdocs/aws-cloudformation-user-guide#1178),
Batch (hashicorp/terraform-provider-aws#27215) and API destinations
(terraform-aws-modules/terraform-aws-eventbridge#41).
"""

from __future__ import annotations

import fnmatch
import functools
from dataclasses import dataclass
from typing import Any

from . import arns, model
from .errors import invalid_arn, validation


@dataclass(frozen=True, eq=False)
class TargetKind:
    """A kind of target: ARNs ``arn:<partition>:<service>:...:<resource>`` with ``resource``
    matching the glob ``resource``. Each kind is one of ``KINDS``, equal only to itself (so the
    caches keyed by kind hash it by identity)."""

    name: str
    service: str
    resource: str
    role: bool = False
    """Whether the target needs ``RoleArn``."""
    required: tuple[str, ...] = ()
    """Kind parameters (``...Parameters`` members of Target) the target must carry, not empty."""
    allowed: tuple[str, ...] = ()
    """Kind parameters the target may carry besides the required ones."""


KINDS: tuple[TargetKind, ...] = (
    TargetKind("Lambda function", "lambda", "function:*"),
    TargetKind("SNS topic", "sns", "*"),
    # "Parameter(s) SqsParameters must be specified for target: <Id>." for a FIFO queue without
    # a message group: awslabs/aws-ddk#183, hashicorp/terraform#20263 (AWS's words).
    TargetKind("SQS FIFO queue", "sqs", "*.fifo", required=("SqsParameters",)),
    TargetKind("SQS queue", "sqs", "*", allowed=("SqsParameters",)),
    TargetKind("CloudWatch Logs log group", "logs", "log-group:*"),
    TargetKind("Kinesis stream", "kinesis", "stream/*", role=True, allowed=("KinesisParameters",)),
    TargetKind("Firehose delivery stream", "firehose", "deliverystream/*", role=True),
    TargetKind("Step Functions state machine", "states", "stateMachine:*", role=True),
    TargetKind("CodeBuild project", "codebuild", "project/*", role=True),
    TargetKind("CodePipeline pipeline", "codepipeline", "*", role=True),
    # ECS: Target.EcsParameters "Contains the Amazon ECS task definition and task count to be
    # used, if the event target is an Amazon ECS task" (API_Target.html); the role: the
    # Terraform provider's documentation, "Required if ecs_target is used".
    TargetKind("ECS task", "ecs", "cluster/*", role=True, required=("EcsParameters",)),
    # Batch: BatchParameters holds the job definition and name SubmitJob needs (API_Target.html).
    TargetKind("Batch job queue", "batch", "job-queue/*", role=True, required=("BatchParameters",)),
    # Run Command: "Parameter RunCommandParameters is not valid for target<Id>." (sic) when an
    # SSM document target lacks them (aws/aws-sdk-js#2360, AWS's words).
    TargetKind("Systems Manager Run Command", "ssm", "document/*", role=True, required=("RunCommandParameters",)),
    TargetKind("Systems Manager Automation", "ssm", "automation-definition/*", role=True),
    TargetKind("Systems Manager OpsItem", "ssm", "opsitem*", role=True),
    TargetKind("Redshift cluster (Data API)", "redshift", "cluster:*", role=True, required=("RedshiftDataParameters",)),
    TargetKind(
        "Redshift Serverless workgroup (Data API)", "redshift-serverless", "workgroup/*",
        role=True, required=("RedshiftDataParameters",),
    ),
    TargetKind(
        "SageMaker pipeline", "sagemaker", "pipeline/*", role=True, allowed=("SageMakerPipelineParameters",)
    ),
    TargetKind("Glue workflow", "glue", "workflow/*", role=True),
    TargetKind("Incident Manager response plan", "ssm-incidents", "response-plan/*", role=True),
    TargetKind("Inspector assessment template", "inspector", "target/*", role=True),
    TargetKind("EC2 Image Builder pipeline", "imagebuilder", "image-pipeline/*", role=True),
    TargetKind("AppSync GraphQL API", "appsync", "endpoints/graphql-api/*", role=True, required=("AppSyncParameters",)),
    TargetKind("API Gateway", "execute-api", "*", allowed=("HttpParameters",)),
    TargetKind("API destination", "events", "api-destination/*", role=True, allowed=("HttpParameters",)),
    TargetKind("Event bus", "events", "event-bus/*"),
    # EBS CreateSnapshot and EC2 Reboot/Stop/TerminateInstances: EventBridge's built-in targets.
    TargetKind("EC2 built-in target", "events", "target/*", role=True),
)


@functools.cache
def kind_parameters() -> tuple[str, ...]:
    """Target members that belong to one kind of target: those the model names ``...Parameters``."""
    members = model.service_model().shape_for("Target").members
    return tuple(name for name in members if name.endswith("Parameters"))


@functools.lru_cache(maxsize=1024)  # a pure function of the ARN (kinds are immutable)
def kind_of(arn: str) -> TargetKind | None:
    parts = arns.parse(arn)
    if parts is None:
        return None
    for kind in KINDS:
        if kind.service == parts["service"] and fnmatch.fnmatchcase(parts["resource"], kind.resource):
            return kind
    return None


def check(spec: dict[str, Any]) -> None:
    """Raise AWS's ValidationException for a target of no kind AWS accepts, or one that lacks the
    role or parameters its kind needs, or carries parameters of another kind."""
    arn, target_id = spec["Arn"], spec["Id"]
    kind = kind_of(arn)
    if kind is None:
        raise invalid_arn(arn)
    if kind.role and not spec.get("RoleArn"):
        raise validation(f"RoleArn is required for target {arn}.")
    for name in kind.required:
        if not spec.get(name):
            if name == "RunCommandParameters":
                raise validation(f"Parameter RunCommandParameters is not valid for target{target_id}.")
            raise validation(f"Parameter(s) {name} must be specified for target: {target_id}.")
    others = _other_kinds_parameters(kind)
    if others.isdisjoint(spec):
        return
    # Of the parameters of another kind the target carries, the model's first is named.
    foreign = [name for name, value in spec.items() if value is not None and name in others]
    if foreign:
        names = kind_parameters()
        name = min(foreign, key=names.index)
        raise validation(f"Parameter {name} is not valid for target {target_id}.")


@functools.cache
def _other_kinds_parameters(kind: TargetKind) -> frozenset[str]:
    """The kind parameters a target of ``kind`` may not carry."""
    return frozenset(kind_parameters()) - set(kind.required) - set(kind.allowed)
