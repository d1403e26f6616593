"""Every case of the API-errors corpus, run through boto3 against the mock.

A case's request holds literal values and descriptions of what must exist (``"<bus-name>
(already exists)"``, ``"7 targets [...]"``). ``Scene`` turns each kind of description into the
resources it describes, created through the public API, and into the value to send; the
expected error, message or PutEvents result always comes from the corpus file.
"""

from __future__ import annotations

import itertools
import json
import re
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from conftest import error_of, load_corpus
from mock_events import EventsMock

CASES = load_corpus("api_errors.json")
ACCOUNT = "123456789012"
REGION = "us-east-1"
QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:conformance-queue"
TEST_EVENT_DETAIL = {"command": "update-account", "payload": {"acc_id": "0a787ecb-4015", "sf_id": "baz"}}
TEST_EVENT_PATTERN = json.dumps({"source": ["core.update-account-command"]})

_PLACEHOLDER = re.compile(r"<([A-Za-z_][\w-]*)>")


class Scene:
    """The resources one case's descriptions ask for, and the names chosen for its placeholders."""

    def __init__(self, client: Any, case: dict[str, Any]) -> None:
        self.client = client
        self.case = case
        self.names: dict[str, str] = {}
        self._serial = itertools.count(1)
        self._buses: dict[str, str] = {}
        self._archives: dict[str, str] = {}
        self.now = datetime.now(timezone.utc)

    # -- names ------------------------------------------------------------------------------
    def fresh(self, kind: str) -> str:
        return f"conf-{kind.replace('_', '-')}-{next(self._serial)}-{uuid.uuid4().hex[:6]}"

    def name(self, placeholder: str) -> str:
        """The value chosen for ``<placeholder>`` in this case (the same value every time)."""
        if placeholder not in self.names:
            self.names[placeholder] = self.fresh(placeholder)
        return self.names[placeholder]

    def substitute(self, text: str) -> str:
        """Inline placeholders of an ARN or message replaced by the values of this case."""
        fixed = {"region": REGION, "account": ACCOUNT}

        def value(m: re.Match[str]) -> str:
            key = m[1]
            if key in fixed:
                return fixed[key]
            if key == "name":  # the recorded message calls it <not-existing-resource-name>
                return self.name("not-existing-resource-name")
            return self.name(key)

        return _PLACEHOLDER.sub(value, text)

    # -- resources --------------------------------------------------------------------------
    def bus(self, role: str) -> str:
        """A custom bus playing ``role`` in the case (one bus per role)."""
        if role not in self._buses:
            name = self.fresh("bus")
            self.client.create_event_bus(Name=name)
            self._buses[role] = name
        return self._buses[role]

    def bus_arn(self, name: str) -> str:
        return f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/{name}"

    def rule(self, name: str, *, targets: int = 0) -> str:
        self.client.put_rule(Name=name, EventPattern=TEST_EVENT_PATTERN)
        if targets:
            self.client.put_targets(
                Rule=name, Targets=[{"Id": f"t{i}", "Arn": QUEUE_ARN} for i in range(targets)]
            )
        return name

    def archive(self, role: str, bus_name: str = "default", name: str | None = None) -> str:
        """The ARN of an archive playing ``role``, on ``bus_name``."""
        if role not in self._archives:
            out = self.client.create_archive(
                ArchiveName=name or self.fresh("archive"), EventSourceArn=self.bus_arn(bus_name)
            )
            self._archives[role] = out["ArchiveArn"]
        return self._archives[role]

    def replay(self, name: str, archive_arn: str, bus_name: str) -> None:
        self.client.start_replay(
            ReplayName=name,
            EventSourceArn=archive_arn,
            EventStartTime=self.now - timedelta(minutes=1),
            EventEndTime=self.now,
            Destination={"Arn": self.bus_arn(bus_name)},
        )

    def connection(self, name: str) -> str:
        out = self.client.create_connection(
            Name=name,
            AuthorizationType="API_KEY",
            AuthParameters={"ApiKeyAuthParameters": {"ApiKeyName": "k", "ApiKeyValue": "v"}},
        )
        return out["ConnectionArn"]

    def api_destination(self, name: str) -> None:
        self.client.create_api_destination(
            Name=name,
            ConnectionArn=self.connection(self.fresh("connection")),
            InvocationEndpoint="https://example.com/api",
            HttpMethod="POST",
        )

    def create(self, kind: str, name: str) -> None:
        """A resource of the kind a placeholder names (``<bus-name>``, ``<archive-name>`` ...)."""
        if "bus" in kind:
            self.client.create_event_bus(Name=name)
        elif kind.startswith("rule"):
            self.rule(name)
        elif kind.startswith("archive"):
            self.archive(kind, name=name)
        elif kind.startswith("connection"):
            self.connection(name)
        elif kind.startswith("destination"):
            self.api_destination(name)
        else:
            raise AssertionError(f"no set-up for a resource named <{kind}>")

    def delete(self, kind: str, name: str) -> None:
        if kind.startswith("connection"):
            self.client.delete_connection(Name=name)
        elif kind.startswith("destination"):
            self.client.delete_api_destination(Name=name)
        else:
            raise AssertionError(f"no set-up deletes a resource named <{kind}>")

    # -- descriptions -------------------------------------------------------------------------
    def time(self, text: str) -> datetime | None:
        if text == "now":
            return self.now
        if text == "now-1min":
            return self.now - timedelta(minutes=1)
        m = re.fullmatch(r"now truncated to seconds minus (\d+)s", text)
        if m:
            return self.now.replace(microsecond=0) - timedelta(seconds=int(m[1]))
        return None

    def value(self, key: str, text: str) -> Any:  # noqa: C901, PLR0911, PLR0912 - one branch per kind
        """The value to send for a string of the request: itself, or what it describes."""
        if key in ("EventStartTime", "EventEndTime"):
            when = self.time(text)
            if when is not None:
                return when
        m = re.fullmatch(r"<([\w-]+)> \((does not exist|already exists|exists|deleted|has one SQS target)\)", text)
        if m:
            kind, state = m[1], m[2]
            name = self.name(kind)
            if state in ("already exists", "exists"):
                self.create(kind, name)
            elif state == "deleted":
                self.create(kind, name)
                self.delete(kind, name)
            elif state == "has one SQS target":
                self.rule(name, targets=1)
            return name
        m = re.fullmatch(r"<([\w-]+)> \((already started|already used with another archive)\)", text)
        if m:
            name = self.name(m[1])
            self.replay(name, self.archive("first"), "default")
            return name
        m = re.fullmatch(r"(arn:aws:events:<region>:<account>:event-bus/<[\w-]+>) \(does not exist\)", text)
        if m:
            return self.substitute(m[1])
        m = re.fullmatch(r"<arn of rule <(\w+)> on custom bus <(\w+)>, deleted>", text)
        if m:
            bus = self.names[m[2]] = self.bus("custom")
            rule = self.names[m[1]] = self.fresh("rule")
            arn = self.client.put_rule(Name=rule, EventBusName=bus, EventPattern=TEST_EVENT_PATTERN)["RuleArn"]
            self.client.delete_rule(Name=rule, EventBusName=bus)
            return arn
        m = re.fullmatch(r"<arn of deleted event bus <(\w+)>>", text)
        if m:
            bus = self.names[m[1]] = self.fresh("bus")
            self.client.create_event_bus(Name=bus)
            self.client.delete_event_bus(Name=bus)
            return self.bus_arn(bus)
        described = {
            "<custom bus>": lambda: self.bus("custom"),
            "<custom bus arn>": lambda: self.bus_arn(self.bus("custom")),
            "<default bus arn>": lambda: self.bus_arn("default"),
            "<bus arn>": lambda: self.bus_arn("default"),
            "<archive bus>": lambda: self.bus_arn("default"),
            "<second bus>": lambda: self.bus_arn(self.bus("second")),
            "<existing custom bus arn, not the archive's bus>": lambda: self.bus_arn(self.bus("custom")),
            "<queue-arn>": lambda: QUEUE_ARN,
            "<TEST_EVENT_PATTERN>": lambda: TEST_EVENT_PATTERN,
            "<archive arn>": lambda: self.archive("first"),
            "<archive arn on default bus>": lambda: self.archive("first"),
            "<same archive>": lambda: self.archive("first"),
            "<second archive>": lambda: self.archive("second", self.bus("second")),
            "<valid connection arn>": lambda: self.connection(self.fresh("connection")),
        }
        if text in described:
            return described[text]()
        if key == "Rule" and _PLACEHOLDER.fullmatch(text):
            return self.rule(self.name(_PLACEHOLDER.fullmatch(text)[1]))
        if text.startswith("arn:") and _PLACEHOLDER.search(text):
            return self.substitute(text)
        m = re.fullmatch(r"<two long uuids>-extra \(>64 chars\)", text)
        if m:
            long_id = f"{uuid.uuid4()}{uuid.uuid4()}-extra"
            self.names["second-invalid-target-id"] = long_id
            return long_id
        if text.startswith("json.dumps({\"payload\": [\"p\" * (256 * 1024 - 17)]})"):
            detail = json.dumps({"payload": ["p" * (256 * 1024 - 17)]})
            assert len(detail) == 256 * 1024
            return detail
        m = re.fullmatch(r"(\d+) targets \[\{Id: ([\w-]+?)0\.\.\d+, Arn: <queue-arn>\}\]", text)
        if m:
            return [{"Id": f"{m[2]}{i}", "Arn": QUEUE_ARN} for i in range(int(m[1]))]
        m = re.fullmatch(r"(\d+) identical entries(.*)", text)
        if m:
            if "(custom bus)" in m[2]:
                bus = self.names["bus-name"] = self.bus("custom")
            else:
                bus = self.names["bus-name"] = "default"
            entry = {
                "Source": "core.update-account-command",
                "DetailType": "core.update-account-command",
                "Detail": json.dumps(TEST_EVENT_DETAIL),
                "EventBusName": bus,
            }
            return [dict(entry) for _ in range(int(m[1]))]
        if _PLACEHOLDER.search(text):
            return self.substitute(text)
        return text

    def request(self, operation: str, value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: self.request(operation, v, k) for k, v in value.items() if k != "note"}
        if isinstance(value, list):
            return [self.request(operation, v, key) for v in value]
        if isinstance(value, str):
            return self.value(key, value)
        return value

    def arrange(self) -> tuple[str, dict[str, Any]]:
        """Set up what the case describes; the operation's boto3 method name and its arguments."""
        case = self.case
        operation = case["operation"]
        comment = case.get("comment", "")
        request = self.request(operation, case["request"])
        if operation == "RemovePermission" and comment == "policy exists with another statement":
            self.client.put_permission(
                EventBusName=request["EventBusName"],
                Action="events:PutEvents",
                Principal="111122223333",
                StatementId="another-statement",
            )
        if operation == "StartReplay":
            note = case["request"].get("note", "")
            m = re.fullmatch(r"(\d+)th concurrent replay on one archive", note)
            if m:
                archive = self.archive("first")
                prefix = request["ReplayName"].rsplit("-test-replay-", 1)[0]
                for i in range(int(m[1]) - 1):
                    self.replay(f"{prefix}-test-replay-{i}", archive, "default")
                request.setdefault("EventSourceArn", archive)
                request.setdefault("Destination", {"Arn": self.bus_arn("default")})
            # Start and end times the record leaves out: those of the case's own test.
            request.setdefault("EventStartTime", self.now - timedelta(minutes=1))
            request.setdefault("EventEndTime", self.now)
        return _snake(operation), request

    def expected(self, recorded: str) -> str:
        """A recorded value with the case's placeholders replaced by the values chosen here."""
        out = recorded.replace("111111111111", ACCOUNT).replace("<region>", REGION)
        for placeholder, value in sorted(self.names.items(), key=lambda kv: -len(kv[0])):
            out = out.replace(f"<{placeholder}>", value)
            if placeholder == "second-invalid-target-id":
                out = out.replace(f"'{placeholder}'", f"'{value}'")
        return out


def _snake(operation: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()


def _same_modulo_uuids(actual: Any, recorded: Any, seen: dict[str, str]) -> bool:
    if isinstance(recorded, dict):
        return (
            isinstance(actual, dict)
            and actual.keys() == recorded.keys()
            and all(_same_modulo_uuids(actual[k], recorded[k], seen) for k in recorded)
        )
    if isinstance(recorded, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(recorded)
            and all(_same_modulo_uuids(a, r, seen) for a, r in zip(actual, recorded))
        )
    if isinstance(recorded, str) and re.fullmatch(r"<uuid:\d+>", recorded):
        try:
            uuid.UUID(actual)
        except (TypeError, ValueError):
            return False
        if seen.setdefault(recorded, actual) != actual:
            return False
        return actual not in [v for k, v in seen.items() if k != recorded]
    return actual == recorded


def _replay_mode(case: dict[str, Any]) -> str:
    """Replays that must still be running (``concurrent``) advance with the mock's clock."""
    note = case["request"].get("note", "") if isinstance(case["request"], dict) else ""
    return "clock" if "concurrent" in note else "immediate"


@pytest.mark.parametrize("case", CASES, ids=[f"{i:02d}-{c['name']}" for i, c in enumerate(CASES)])
def test_api_errors_case(case: dict[str, Any]) -> None:
    with EventsMock(replay_mode=_replay_mode(case)):
        client = boto3.client("events", region_name=REGION)
        scene = Scene(client, case)
        method, request = scene.arrange()
        call = getattr(client, method)
        if case["kind"] == "exception":
            with pytest.raises(ClientError) as excinfo:
                call(**request)
            assert error_of(excinfo) == (case["error_code"], scene.expected(case["message"]))
            if case.get("http_status") is not None:
                assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == case["http_status"]
        else:
            response = call(**request)
            response.pop("ResponseMetadata")
            assert _same_modulo_uuids(response, case["response"], {}), response


def test_the_corpus_holds_every_recorded_case() -> None:
    assert len(CASES) == 81
