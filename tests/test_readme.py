"""What README.md shows runs as written, and the oldest versions it claims are the ones tested."""

from __future__ import annotations

import re
from pathlib import Path

from mock_events import EventsMock

ROOT = Path(__file__).resolve().parent.parent


def _usage_sample() -> str:
    section = (ROOT / "README.md").read_text().split("\n## Using it\n", 1)[1]
    return section.split("```python\n", 1)[1].split("\n```", 1)[0]


def test_the_usage_sample_runs_as_written():
    namespace: dict[str, object] = {}
    exec(compile(_usage_sample(), "README.md", "exec"), namespace)  # noqa: S102 - our own README
    namespace["test_order_is_announced"]()  # type: ignore[operator]
    namespace["test_with_the_handle"]()  # type: ignore[operator]
    with EventsMock() as events_mock:
        namespace["test_with_the_fixture"](events_mock)  # type: ignore[operator]


def test_the_oldest_tox_env_pins_the_floors_pyproject_declares():
    pyproject = (ROOT / "pyproject.toml").read_text()
    floors = dict(re.findall(r'"(botocore|boto3)>=([0-9.]+)"', pyproject))
    pins = dict(
        re.findall(r"^(botocore|boto3)==([0-9.]+)$", (ROOT / "constraints-oldest.txt").read_text(), re.MULTILINE)
    )
    assert floors == pins == {"botocore": "1.39.5", "boto3": "1.39.5"}
    assert "constraints-oldest.txt" in (ROOT / "tox.ini").read_text()
    assert "botocore and boto3 1.39.5 and later" in (ROOT / "README.md").read_text()
