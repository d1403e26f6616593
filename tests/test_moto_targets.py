"""With moto's mock_aws active, targets of services moto simulates really receive, as from AWS."""

from __future__ import annotations

import hashlib
import json

import boto3
import botocore.endpoint
import pytest

from mock_events import mock_events

moto = pytest.importorskip("moto")

REGION = "us-east-1"
ACCOUNT = "123456789012"
OTHER_ACCOUNT = "210987654321"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/events"  # Kinesis, Firehose and Step Functions targets need one


@pytest.fixture
def aws():
    """moto's mock_aws, then mock-events inside it (forwarding on by default)."""
    with moto.mock_aws(), mock_events() as m:
        yield m


@pytest.fixture
def events(aws):  # noqa: ANN001, ANN201
    return boto3.client("events", region_name=REGION)


def client(service: str, region: str = REGION, account: str | None = None):  # noqa: ANN201
    made = boto3.client(service, region_name=region)
    if account is not None:
        made.meta.events.register(
            "before-sign", lambda request, **_: request.headers.__setitem__("x-moto-account-id", account)
        )
    return made


def queue(name: str, region: str = REGION, account: str | None = None, **attributes: str) -> tuple[str, str]:
    sqs = client("sqs", region, account)
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def messages(url: str, region: str = REGION, account: str | None = None) -> list[dict]:
    answer = client("sqs", region, account).receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"], MessageAttributeNames=["All"]
    )
    return answer.get("Messages", [])


def route(events, *targets: dict, pattern: str = '{"source":["shop"]}') -> None:  # noqa: ANN001
    events.put_rule(Name="r", EventPattern=pattern)
    events.put_targets(Rule="r", Targets=list(targets))


def put(events, detail: dict | None = None) -> str:  # noqa: ANN001
    answer = events.put_events(
        Entries=[{"Source": "shop", "DetailType": "Order", "Detail": json.dumps(detail or {"id": "o-1"})}]
    )
    return answer["Entries"][0]["EventId"]


def test_a_queue_receives_the_event_as_delivered(events, aws):
    url, arn = queue("orders")
    route(events, {"Id": "q", "Arn": arn})
    event_id = put(events)
    (message,) = messages(url)
    (delivery,) = aws.deliveries(arn)
    assert message["Body"] == delivery.payload
    assert json.loads(message["Body"])["id"] == event_id


def test_a_queue_receives_the_transformed_input(events):
    url, arn = queue("orders")
    route(events, {"Id": "q", "Arn": arn, "InputTransformer": {
        "InputPathsMap": {"order": "$.detail.id"}, "InputTemplate": '{"order": <order>}'}})
    put(events, {"id": "o-7"})
    assert [m["Body"] for m in messages(url)] == ['{"order":"o-7"}']


def test_a_fifo_queue_gets_the_message_group_and_the_content_based_deduplication_id(events):
    url, arn = queue("orders.fifo", FifoQueue="true", ContentBasedDeduplication="true")
    route(events, {"Id": "q", "Arn": arn, "SqsParameters": {"MessageGroupId": "orders"}})
    put(events)
    (message,) = messages(url)
    assert message["Attributes"]["MessageGroupId"] == "orders"
    expected = hashlib.sha256(message["Body"].encode()).hexdigest()
    assert message["Attributes"]["MessageDeduplicationId"] == expected


def test_a_fifo_queue_without_content_based_deduplication_fails_the_delivery_without_retries(events, aws):
    url, arn = queue("orders.fifo", FifoQueue="true")
    route(events, {"Id": "q", "Arn": arn, "SqsParameters": {"MessageGroupId": "orders"}})
    put(events)
    assert messages(url) == []
    (failure,) = aws.failures(arn)
    assert failure.outcome == "dropped" and failure.attempt == 1
    assert aws.deliveries(arn) == []


def test_a_queue_that_does_not_exist_is_dead_lettered_at_once_into_the_moto_dead_letter_queue(events, aws):
    dlq_url, dlq_arn = queue("dlq")
    missing = f"arn:aws:sqs:{REGION}:{ACCOUNT}:missing"
    route(events, {"Id": "q", "Arn": missing, "DeadLetterConfig": {"Arn": dlq_arn}})
    event_id = put(events)
    (failure,) = aws.failures(missing)
    assert (failure.outcome, failure.attempt) == ("dead-lettered", 1)
    assert "NonExistentQueue" in failure.error
    (letter,) = messages(dlq_url)
    assert json.loads(letter["Body"])["id"] == event_id
    attributes = {k: v["StringValue"] for k, v in letter["MessageAttributes"].items()}
    assert attributes["RULE_ARN"] == f"arn:aws:events:{REGION}:{ACCOUNT}:rule/r"
    assert attributes["TARGET_ARN"] == missing
    assert "does not exist" in attributes["ERROR_MESSAGE"]
    assert [d.target_arn for d in aws.deliveries()] == [dlq_arn]


def test_a_dead_letter_queue_that_does_not_exist_drops_the_event(events, aws):
    missing = f"arn:aws:sqs:{REGION}:{ACCOUNT}:missing"
    route(events, {"Id": "q", "Arn": missing, "DeadLetterConfig": {"Arn": missing + "-dlq"}})
    put(events)
    assert [f.outcome for f in aws.failures()] == ["dead-lettered", "dropped"]
    assert aws.deliveries() == []


def test_a_queue_in_another_account_and_region_receives_in_that_account_and_region():
    with moto.mock_aws(), mock_events():
        url, arn = queue("orders", "eu-west-1", OTHER_ACCOUNT)
        events = boto3.client("events", region_name="eu-west-1")
        route(events, {"Id": "q", "Arn": arn})
        put(events)
        assert len(messages(url, "eu-west-1", OTHER_ACCOUNT)) == 1
        assert client("sqs", "eu-west-1").list_queues().get("QueueUrls", []) == []


def test_a_topic_receives_the_event_and_passes_it_to_its_subscribers(events):
    sns = client("sns")
    topic = sns.create_topic(Name="orders")["TopicArn"]
    url, arn = queue("subscriber")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    route(events, {"Id": "t", "Arn": topic})
    event_id = put(events)
    (message,) = messages(url)
    assert json.loads(message["Body"])["id"] == event_id


def test_a_kinesis_stream_gets_the_partition_key_from_the_path_else_the_event_id(events):
    kinesis = client("kinesis")
    kinesis.create_stream(StreamName="orders", ShardCount=1)
    arn = kinesis.describe_stream(StreamName="orders")["StreamDescription"]["StreamARN"]
    route(
        events,
        {"Id": "by-order", "Arn": arn, "RoleArn": ROLE, "KinesisParameters": {"PartitionKeyPath": "$.detail.id"}},
        {"Id": "by-event", "Arn": arn, "RoleArn": ROLE},
    )
    event_id = put(events, {"id": "o-9"})
    shard = kinesis.describe_stream(StreamName="orders")["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = kinesis.get_shard_iterator(StreamName="orders", ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = kinesis.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    assert sorted(r["PartitionKey"] for r in records) == sorted(["o-9", event_id])
    assert {json.loads(r["Data"])["id"] for r in records} == {event_id}


def test_a_firehose_delivery_stream_receives_the_payload(events):
    s3 = client("s3")
    s3.create_bucket(Bucket="landing")
    firehose = client("firehose")
    arn = firehose.create_delivery_stream(
        DeliveryStreamName="orders",
        ExtendedS3DestinationConfiguration={
            "RoleARN": f"arn:aws:iam::{ACCOUNT}:role/firehose", "BucketARN": "arn:aws:s3:::landing"},
    )["DeliveryStreamARN"]
    route(events, {"Id": "f", "Arn": arn, "RoleArn": ROLE, "Input": '{"constant": true}'})
    put(events)
    (key,) = [o["Key"] for o in s3.list_objects_v2(Bucket="landing")["Contents"]]
    assert s3.get_object(Bucket="landing", Key=key)["Body"].read() == b'{"constant": true}'


def test_a_log_group_gets_one_stream_per_event_named_by_its_id(events):
    logs = client("logs")
    logs.create_log_group(logGroupName="/aws/events/orders")
    arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/events/orders"
    route(events, {"Id": "l", "Arn": arn})
    event_id = put(events)
    found = logs.get_log_events(logGroupName="/aws/events/orders", logStreamName=event_id)["events"]
    assert [json.loads(e["message"])["id"] for e in found] == [event_id]


def test_a_state_machine_starts_an_execution_with_the_payload_as_input(events):
    states = client("stepfunctions")
    definition = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})
    arn = states.create_state_machine(
        name="fulfil", definition=definition, roleArn=f"arn:aws:iam::{ACCOUNT}:role/sfn"
    )["stateMachineArn"]
    route(events, {"Id": "s", "Arn": arn, "RoleArn": ROLE, "InputPath": "$.detail"})
    put(events, {"id": "o-3"})
    (execution,) = states.list_executions(stateMachineArn=arn)["executions"]
    assert states.describe_execution(executionArn=execution["executionArn"])["input"] == '{"id":"o-3"}'


def test_a_state_machine_that_does_not_exist_fails_the_delivery(events, aws):
    arn = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:missing"
    route(events, {"Id": "s", "Arn": arn, "RoleArn": ROLE})
    put(events)
    assert [(f.outcome, f.attempt) for f in aws.failures(arn)] == [("dropped", 1)]


def test_a_lambda_function_target_is_not_sent_to_moto_and_on_target_still_runs_the_handler(events, aws):
    function = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:handler"
    called = []
    aws.on_target(function, called.append)
    route(events, {"Id": "f", "Arn": function})
    put(events)
    assert len(called) == 1 and aws.failures() == []


def test_a_callback_on_a_moto_queue_sees_what_the_queue_received(events, aws):
    url, arn = queue("orders")
    seen = []
    aws.on_target(arn, lambda delivery: seen.append(len(messages(url))))
    route(events, {"Id": "q", "Arn": arn})
    put(events)
    assert seen == [1]


def test_forwarding_turned_off_leaves_moto_untouched():
    with moto.mock_aws(), mock_events(forward_to_moto=False) as m:
        url, arn = queue("orders")
        events = boto3.client("events", region_name=REGION)
        route(events, {"Id": "q", "Arn": arn})
        put(events)
        assert messages(url) == []
        assert len(m.deliveries(arn)) == 1


def test_forwarding_required_without_moto_active_refuses_to_start():
    mock = mock_events(forward_to_moto=True)
    with pytest.raises(RuntimeError, match="needs moto's mock_aws active first"):
        mock.start()
    assert not mock.active


def test_without_moto_active_deliveries_are_only_recorded(events_mock):
    events = boto3.client("events", region_name=REGION)
    arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders"
    route(events, {"Id": "q", "Arn": arn})
    put(events)
    assert len(events_mock.deliveries(arn)) == 1 and events_mock.failures() == []


def test_forwarding_required_after_moto_stopped_fails_and_sends_nothing(monkeypatch):
    def no_network(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("a request was about to leave the process")

    monkeypatch.setattr(botocore.endpoint.Endpoint, "_send", no_network)
    aws = moto.mock_aws()
    aws.start()
    with mock_events(forward_to_moto=True) as m:
        _, arn = queue("orders")
        aws.stop()
        events = boto3.client("events", region_name=REGION)
        route(events, {"Id": "q", "Arn": arn})
        put(events)
        (failure,) = m.failures(arn)
        assert "mock_aws is not active" in failure.error and failure.outcome == "dropped"


def test_each_forwarded_message_is_sent_once(events):
    url, arn = queue("orders")
    route(events, {"Id": "q", "Arn": arn})
    put(events)
    put(events)
    assert len(messages(url)) == 2


def test_a_scheduled_rule_fills_a_moto_queue_as_the_clock_advances(events, aws):
    url, arn = queue("ticks")
    events.put_rule(Name="tick", ScheduleExpression="rate(1 minute)")
    events.put_targets(Rule="tick", Targets=[{"Id": "q", "Arn": arn}])
    aws.clock.advance(minutes=3)
    bodies = [json.loads(m["Body"]) for m in messages(url)]
    assert [b["detail-type"] for b in bodies] == ["Scheduled Event"] * 3


def test_a_fifo_queue_drops_a_repeated_payload_by_its_content_based_deduplication_id(events, aws):
    url, arn = queue("orders.fifo", FifoQueue="true", ContentBasedDeduplication="true")
    route(events, {"Id": "q", "Arn": arn, "Input": '{"same": true}', "SqsParameters": {"MessageGroupId": "g"}})
    put(events)
    put(events)
    assert [m["Body"] for m in messages(url)] == ['{"same": true}']
    assert len(aws.deliveries(arn)) == 2


def test_events_put_from_many_threads_each_reach_the_moto_queue_once(events):
    from concurrent.futures import ThreadPoolExecutor

    url, arn = queue("orders")
    route(events, {"Id": "q", "Arn": arn, "InputPath": "$.detail"})
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: put(events, {"n": n}), range(40)))
    sqs = client("sqs")
    seen = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        seen += [json.loads(m["Body"])["n"] for m in batch]
        sqs.delete_message_batch(
            QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)]
        )
    assert sorted(seen) == list(range(40))
