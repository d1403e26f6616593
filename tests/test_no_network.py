"""Nothing leaves the process: whatever credentials are configured, creating and calling an
``events`` client under the mock makes no connection, no DNS look-up and runs no credential
process; the account comes from an access key id only where one is at hand without I/O."""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import boto3
import botocore.credentials
import pytest
from conftest import AwsFiles

from mock_events import mock_events

MOCK_ACCOUNT = "123456789012"


def _account_of_a_new_bus(client) -> str:  # noqa: ANN001 - a boto3 events client
    return client.create_event_bus(Name="b")["EventBusArn"].split(":")[4]


def _credential_process(tmp_path: Path, access_key: str, expiration: datetime | None = None) -> str:
    """A ``credential_process`` command that counts its runs in ``tmp_path / "runs"``."""
    answer = {"Version": 1, "AccessKeyId": access_key, "SecretAccessKey": "secret"}
    if expiration is not None:
        answer["SessionToken"] = "token"
        answer["Expiration"] = expiration.strftime("%Y-%m-%dT%H:%M:%SZ")
    script = tmp_path / "process.py"
    script.write_text(
        "import pathlib, sys\n"
        f"runs = pathlib.Path({str(tmp_path / 'runs')!r})\n"
        "runs.write_text(runs.read_text() + 'x' if runs.exists() else 'x')\n"
        f"sys.stdout.write({json.dumps(answer)!r})\n"
    )
    return f"{sys.executable} {script}"


def _runs(tmp_path: Path) -> int:
    runs = tmp_path / "runs"
    return len(runs.read_text()) if runs.exists() else 0


def test_assume_role_profile_is_not_resolved(bare_aws_environment: AwsFiles, no_network, monkeypatch):
    bare_aws_environment.write_config(
        "[profile role]\nrole_arn = arn:aws:iam::111111111111:role/r\nsource_profile = base\n"
        "[profile base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n"
    )
    monkeypatch.setenv("AWS_PROFILE", "role")
    with mock_events():
        client = boto3.session.Session().client("events")
        assert _account_of_a_new_bus(client) == MOCK_ACCOUNT


def test_assume_role_with_an_instance_metadata_source_is_not_resolved(
    bare_aws_environment: AwsFiles, no_network, monkeypatch
):
    bare_aws_environment.write_config(
        "[profile role]\nrole_arn = arn:aws:iam::111111111111:role/r\n"
        "credential_source = Ec2InstanceMetadata\n"
    )
    monkeypatch.setenv("AWS_PROFILE", "role")
    with mock_events():
        client = boto3.session.Session().client("events")
        assert _account_of_a_new_bus(client) == MOCK_ACCOUNT


def test_web_identity_from_the_environment_is_not_resolved(
    bare_aws_environment: AwsFiles, no_network, monkeypatch, tmp_path
):
    (tmp_path / "token").write_text("a-web-identity-token")
    monkeypatch.setenv("AWS_ROLE_ARN", "arn:aws:iam::111111111111:role/r")
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(tmp_path / "token"))
    with mock_events():
        client = boto3.session.Session().client("events")
        assert _account_of_a_new_bus(client) == MOCK_ACCOUNT


def test_sso_profile_with_a_cached_token_is_not_resolved(
    bare_aws_environment: AwsFiles, no_network, monkeypatch, tmp_path
):
    start_url = "https://example.awsapps.com/start"
    cache = tmp_path / "sso-cache"
    cache.mkdir()
    (cache / f"{hashlib.sha1(start_url.encode()).hexdigest()}.json").write_text(
        json.dumps({"startUrl": start_url, "region": "us-east-1", "accessToken": "t",
                    "expiresAt": "2999-01-01T00:00:00Z"})
    )
    monkeypatch.setattr(botocore.credentials.SSOProvider, "_SSO_TOKEN_CACHE_DIR", str(cache))
    bare_aws_environment.write_config(
        f"[profile sso]\nsso_start_url = {start_url}\nsso_region = us-east-1\n"
        "sso_account_id = 111111111111\nsso_role_name = r\n"
    )
    monkeypatch.setenv("AWS_PROFILE", "sso")
    with mock_events():
        client = boto3.session.Session().client("events")
        assert _account_of_a_new_bus(client) == MOCK_ACCOUNT


def test_instance_metadata_is_not_asked(bare_aws_environment: AwsFiles, no_network):
    with mock_events():
        client = boto3.session.Session().client("events")
        assert _account_of_a_new_bus(client) == MOCK_ACCOUNT


def test_container_credentials_endpoint_is_not_asked(bare_aws_environment: AwsFiles, no_network, monkeypatch):
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/credentials")
    with mock_events():
        client = boto3.session.Session().client("events")
        assert _account_of_a_new_bus(client) == MOCK_ACCOUNT


def test_credential_process_is_not_run(bare_aws_environment: AwsFiles, no_network, monkeypatch, tmp_path):
    command = _credential_process(tmp_path, "111111111111")
    bare_aws_environment.write_config(f"[profile p]\ncredential_process = {command}\n")
    monkeypatch.setenv("AWS_PROFILE", "p")
    with mock_events():
        client = boto3.session.Session().client("events")
        assert _account_of_a_new_bus(client) == MOCK_ACCOUNT
    assert _runs(tmp_path) == 0


def test_defaults_mode_auto_does_not_ask_instance_metadata_for_the_region(
    bare_aws_environment: AwsFiles, no_network, monkeypatch
):
    monkeypatch.setenv("AWS_DEFAULTS_MODE", "auto")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    with mock_events():
        client = boto3.session.Session().client("events")
        assert client.list_rules()["Rules"] == []


def test_expired_credentials_loaded_before_the_mock_are_not_refreshed(
    bare_aws_environment: AwsFiles, no_network, monkeypatch, tmp_path
):
    expired = datetime.now(timezone.utc) - timedelta(hours=1)
    bare_aws_environment.write_config(
        f"[profile p]\ncredential_process = {_credential_process(tmp_path, '222222222222', expired)}\n"
    )
    monkeypatch.setenv("AWS_PROFILE", "p")
    client = boto3.session.Session().client("events", region_name="us-east-1")
    assert _runs(tmp_path) == 1
    with mock_events():
        assert _account_of_a_new_bus(client) == "222222222222"
    assert _runs(tmp_path) == 1


def test_a_twelve_digit_key_in_the_environment_chooses_the_account(bare_aws_environment: AwsFiles, no_network, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "333333333333")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    with mock_events():
        client = boto3.session.Session().client("events")
        assert _account_of_a_new_bus(client) == "333333333333"


def test_a_client_keeps_the_account_of_the_keys_it_was_created_with(bare_aws_environment: AwsFiles, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "333333333333")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    with mock_events():
        client = boto3.session.Session().client("events")
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "555555555555")
        assert _account_of_a_new_bus(client) == "333333333333"
        assert _account_of_a_new_bus(boto3.session.Session().client("events")) == "555555555555"


def test_a_twelve_digit_key_passed_to_the_session_chooses_the_account(bare_aws_environment: AwsFiles, no_network):
    with mock_events():
        session = boto3.session.Session(aws_access_key_id="444444444444", aws_secret_access_key="s")
        assert _account_of_a_new_bus(session.client("events")) == "444444444444"


def test_a_client_created_under_the_mock_loads_its_credentials_when_it_signs_after_it(
    bare_aws_environment: AwsFiles, monkeypatch, tmp_path
):
    bare_aws_environment.write_config(f"[profile p]\ncredential_process = {_credential_process(tmp_path, 'AKIDPROCESS')}\n")
    monkeypatch.setenv("AWS_PROFILE", "p")
    with mock_events():
        client = boto3.session.Session().client("events")
        client.list_rules()
    assert _runs(tmp_path) == 0
    assert client._get_credentials().get_frozen_credentials().access_key == "AKIDPROCESS"
    assert _runs(tmp_path) == 1


def test_clients_of_other_services_load_credentials_as_botocore_does(
    bare_aws_environment: AwsFiles, monkeypatch, tmp_path
):
    bare_aws_environment.write_config(f"[profile p]\ncredential_process = {_credential_process(tmp_path, 'AKIDPROCESS')}\n")
    monkeypatch.setenv("AWS_PROFILE", "p")
    with mock_events():
        sqs = boto3.session.Session().client("sqs", region_name="us-east-1")
        assert _runs(tmp_path) == 1
        assert sqs._get_credentials().access_key == "AKIDPROCESS"


def test_the_guard_catches_a_connection(no_network):
    import socket

    with pytest.raises(AssertionError):
        socket.create_connection(("127.0.0.1", 9))
    no_network.clear()
