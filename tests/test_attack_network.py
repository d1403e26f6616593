"""Clients created before the mock started, with credentials that resolve only by I/O, are
answered under it without a connection, a DNS look-up or a credential process run; after
``stop()`` nothing of the mock is left in botocore."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import boto3
import botocore.session
import pytest
from conftest import AwsFiles

from mock_events import mock_events

MOCK_ACCOUNT = "123456789012"


def _process(tmp_path: Path) -> str:
    script = tmp_path / "process.py"
    script.write_text(
        "import pathlib, sys\n"
        f"runs = pathlib.Path({str(tmp_path / 'runs')!r})\n"
        "runs.write_text(runs.read_text() + 'x' if runs.exists() else 'x')\n"
        f"sys.stdout.write({json.dumps(json.dumps({'Version': 1, 'AccessKeyId': '111111111111', 'SecretAccessKey': 's'}))})\n"
    )
    return f"{sys.executable} {script}"


PROFILES = {
    "assume_role": lambda tmp: (
        "[profile p]\nrole_arn = arn:aws:iam::111111111111:role/r\nsource_profile = base\n"
        "[profile base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n"
    ),
    "credential_process": lambda tmp: f"[profile p]\ncredential_process = {_process(tmp)}\n",
    "sso": lambda tmp: (
        "[profile p]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n"
        "sso_account_id = 111111111111\nsso_role_name = r\n"
    ),
}


@pytest.mark.parametrize("profile", sorted(PROFILES))
@pytest.mark.parametrize("make", ["boto3_client", "boto3_session", "botocore_session"])
def test_a_client_created_before_the_mock_with_an_io_profile_is_answered_offline(
    bare_aws_environment: AwsFiles, monkeypatch, tmp_path, profile, make
):
    bare_aws_environment.write_config(PROFILES[profile](tmp_path))
    monkeypatch.setenv("AWS_PROFILE", "p")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)  # a module-level client's session, made now
    if make == "boto3_client":
        client = boto3.client("events")
    elif make == "boto3_session":
        client = boto3.session.Session().client("events")
    else:
        client = botocore.session.get_session().create_client("events")
    runs = _runs(tmp_path)  # botocore ran the process when it created the client: no mock then
    guard = _guard(monkeypatch)
    with mock_events():
        arn = client.create_event_bus(Name="b")["EventBusArn"]
        client.put_events(Entries=[{"Source": "s", "DetailType": "t", "Detail": "{}"}])
    assert guard == []
    assert _runs(tmp_path) == runs
    # The process's key was at hand without I/O, so it chose the account; nothing else was.
    assert arn.split(":")[4] == ("111111111111" if runs else MOCK_ACCOUNT)


def _runs(tmp_path: Path) -> int:
    runs = tmp_path / "runs"
    return len(runs.read_text()) if runs.exists() else 0


def _guard(monkeypatch) -> list[str]:  # noqa: ANN001
    import socket

    attempts: list[str] = []

    def refuse(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        attempts.append(repr(args))
        raise AssertionError(f"network used: {args!r}")

    for owner, name in ((socket.socket, "connect"), (socket, "create_connection"), (socket, "getaddrinfo")):
        monkeypatch.setattr(owner, name, refuse)
    return attempts
