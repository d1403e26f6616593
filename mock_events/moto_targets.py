"""Deliveries sent on into moto: targets of services moto simulates receive as AWS would send.

While moto's ``mock_aws`` is active in the process, a delivery to an SQS queue, SNS topic,
Kinesis stream, Firehose delivery stream, CloudWatch Logs group or Step Functions state machine
is made as the call EventBridge makes to that service, in the target's account and Region, by a
botocore client of ours that only moto answers: its requests go to moto's own request handler
and, should moto not answer, are refused before anything is sent. moto is never imported here:
if nothing imported it, it is not active.
"""

from __future__ import annotations

import json
import sys
import threading
from typing import Any

import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from . import arns
from .delivery import Delivery, TargetUnavailable
from .transform import value_at

__all__ = ["MotoReceiver", "moto_active"]

SERVICES = frozenset({"sqs", "sns", "kinesis", "firehose", "logs", "states"})
_CLIENT_NAMES = {"states": "stepfunctions"}  # ARN service -> botocore's service name

# Error codes of a target that does not exist or cannot take the call as made: AWS makes no
# retry attempt for these ("Using dead-letter queues to process undelivered events").
_NOT_RETRIED = frozenset(
    {
        "AWS.SimpleQueueService.NonExistentQueue",
        "QueueDoesNotExist",
        "NotFound",
        "NotFoundException",
        "ResourceNotFoundException",
        "StateMachineDoesNotExist",
        "InvalidArn",
        "InvalidParameter",
        "InvalidParameterValue",
        "InvalidParameterException",
        "MissingParameter",
        "ValidationException",
        "AccessDenied",
        "AccessDeniedException",
        "AuthorizationError",
    }
)


def moto_active() -> bool:
    """Whether moto's ``mock_aws`` answers botocore calls in this process now."""
    models = sys.modules.get("moto.core.models")
    return bool(getattr(getattr(models, "botocore_stubber", None), "enabled", False))


class _NotAnswered(Exception):
    """moto did not answer a request of ours: nothing was sent."""


def _answered_by_moto(request: Any, event_name: str, **_: Any) -> Any:
    models = sys.modules.get("moto.core.models")
    stubber = getattr(models, "botocore_stubber", None)
    response = stubber(event_name, request) if stubber is not None and stubber.enabled else None
    if response is None:
        raise _NotAnswered("moto's mock_aws is not active: the delivery was not sent.")
    return response


class _Clients:
    """One botocore client per service, Region and account, answered by moto only."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._session: botocore.session.Session | None = None
        self._clients: dict[tuple[str, str, str], Any] = {}

    def get(self, service: str, region: str, account: str) -> Any:
        key = (service, region, account)
        client = self._clients.get(key)
        if client is not None:
            return client
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self._clients[key] = self._create(service, region, account)
        return client

    def _create(self, service: str, region: str, account: str) -> Any:
        if self._session is None:
            self._session = botocore.session.Session()
        client = self._session.create_client(
            service,
            region_name=region,
            aws_access_key_id="mock-events",
            aws_secret_access_key="mock-events",
            config=Config(retries={"total_max_attempts": 1}),
        )
        events = client.meta.events
        # moto's handler (registered on every session once moto is imported) is replaced by one
        # that calls it and refuses to send what it did not answer.
        models = sys.modules.get("moto.core.models")
        stubber = getattr(models, "botocore_stubber", None)
        if stubber is not None:
            events.unregister("before-send", stubber)
        events.register_first("before-send", _answered_by_moto)

        def in_account(request: Any, **_: Any) -> None:
            request.headers["x-moto-account-id"] = account  # moto's header for the calling account

        events.register("before-sign", in_account)
        return client


_clients = _Clients()


class MotoReceiver:
    """Sends deliveries on into moto (``delivery.Receiver``).

    ``required``: deliveries to a moto service's ARN are attempted even when moto is not active,
    and fail (``mock_events(forward_to_moto=True)``); otherwise they are only recorded then.
    """

    def __init__(self, *, required: bool = False) -> None:
        self.required = required

    def accepts(self, arn: str) -> bool:
        if not (self.required or moto_active()):
            return False
        parts = arns.parse(arn)
        return parts is not None and parts["service"] in SERVICES

    def receive(self, delivery: Delivery, target_spec: dict[str, Any]) -> None:
        parts = arns.parse(delivery.target_arn)
        assert parts is not None
        service, region, account, resource = (
            parts["service"], parts["region"], parts["account"], parts["resource"]
        )
        client = _clients.get(_CLIENT_NAMES.get(service, service), region, account)
        try:
            _SEND[service](client, resource, account, delivery, target_spec)
        except ClientError as error:
            info = error.response.get("Error", {})
            code = info.get("Code", "")
            message = f"{code}: {info.get('Message', '')}"
            raise TargetUnavailable(message, retriable=code not in _NOT_RETRIED) from None
        except _NotAnswered as error:
            raise TargetUnavailable(str(error), retriable=False) from None
        except BotoCoreError as error:  # the call could not be made as asked: retrying cannot help
            raise TargetUnavailable(f"{type(error).__name__}: {error}", retriable=False) from None


def _send_sqs(client: Any, name: str, account: str, delivery: Delivery, spec: dict[str, Any]) -> None:
    url = client.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]
    request: dict[str, Any] = {"QueueUrl": url, "MessageBody": delivery.payload}
    if delivery.error is not None:
        # A dead letter: what AWS attaches to it (the error code is not simulated).
        request["MessageAttributes"] = {
            key: {"DataType": "String", "StringValue": value}
            for key, value in (
                ("RULE_ARN", delivery.rule_arn),
                ("TARGET_ARN", spec.get("Arn", "")),
                ("ERROR_MESSAGE", delivery.error),
            )
            if value
        }
    elif name.endswith(".fifo"):
        # The deduplication id is the queue's content-based one: AWS requires the queue to have
        # it (PutTargets, SqsParameters) and sets none itself.
        group = (spec.get("SqsParameters") or {}).get("MessageGroupId")
        if group is not None:
            request["MessageGroupId"] = group
    client.send_message(**request)


def _send_sns(client: Any, resource: str, account: str, delivery: Delivery, spec: dict[str, Any]) -> None:
    topic_arn = delivery.target_arn
    client.publish(TopicArn=topic_arn, Message=delivery.payload)


def _send_kinesis(client: Any, resource: str, account: str, delivery: Delivery, spec: dict[str, Any]) -> None:
    stream = resource.split("/", 1)[1] if "/" in resource else resource
    key = None
    path = (spec.get("KinesisParameters") or {}).get("PartitionKeyPath")
    if path:
        value = value_at(path, delivery.event)
        if value is not None:
            key = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    if not key:
        key = delivery.event["id"]
    client.put_record(StreamName=stream, Data=delivery.payload.encode("utf-8"), PartitionKey=key)


def _send_firehose(client: Any, resource: str, account: str, delivery: Delivery, spec: dict[str, Any]) -> None:
    stream = resource.split("/", 1)[1] if "/" in resource else resource
    client.put_record(DeliveryStreamName=stream, Record={"Data": delivery.payload.encode("utf-8")})


def _send_logs(client: Any, resource: str, account: str, delivery: Delivery, spec: dict[str, Any]) -> None:
    group = resource.split(":", 1)[1] if resource.startswith("log-group:") else resource
    if group.endswith(":*"):
        group = group[:-2]
    stream = delivery.event["id"]  # one log stream per event, named by the event id
    try:
        client.create_log_stream(logGroupName=group, logStreamName=stream)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ResourceAlreadyExistsException":
            raise
    timestamp = int(delivery.time.timestamp() * 1000)
    answer = client.put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[{"timestamp": timestamp, "message": delivery.payload}],
    )
    rejected = answer.get("rejectedLogEventsInfo")
    if rejected:
        raise TargetUnavailable(f"CloudWatch Logs rejected the log event: {rejected}", retriable=False)


def _send_states(client: Any, resource: str, account: str, delivery: Delivery, spec: dict[str, Any]) -> None:
    client.start_execution(stateMachineArn=delivery.target_arn, input=delivery.payload)


_SEND = {
    "sqs": _send_sqs,
    "sns": _send_sns,
    "kinesis": _send_kinesis,
    "firehose": _send_firehose,
    "logs": _send_logs,
    "states": _send_states,
}
