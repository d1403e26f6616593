"""What README.md shows runs as written, and the oldest versions it claims are the ones tested."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from mock_events import EventsMock

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = re.findall(r"^```python\n(.*?)^```", (ROOT / "README.md").read_text(), re.MULTILINE | re.DOTALL)
NEEDS = {"aioboto3": "aioboto3", "freezegun": "freezegun", "moto": "moto"}
RUNTIME = re.search(
    r"^dependencies = \[(.*?)^\]", (ROOT / "pyproject.toml").read_text(), re.MULTILINE | re.DOTALL
).group(1)  # type: ignore[union-attr]


def test_the_readme_has_its_python_samples() -> None:
    assert len(SAMPLES) >= 4


@pytest.mark.parametrize("sample", SAMPLES, ids=[f"sample{i}" for i in range(1, len(SAMPLES) + 1)])
def test_each_python_sample_runs_as_written(sample: str) -> None:
    for word, module in NEEDS.items():
        if re.search(rf"^(import|from) {word}\b", sample, re.MULTILINE):
            pytest.importorskip(module)
    namespace: dict[str, object] = {}
    exec(compile(sample, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    tests = {name: f for name, f in namespace.items() if name.startswith("test_") and callable(f)}
    assert tests, "a sample defines the tests it shows"
    for test in tests.values():
        if "events_mock" in inspect.signature(test).parameters:  # type: ignore[arg-type]
            with EventsMock() as events_mock:
                test(events_mock)  # type: ignore[operator]
        else:
            test()  # type: ignore[operator]


def test_the_oldest_tox_env_pins_every_runtime_floor_pyproject_declares():
    floors = dict(re.findall(r'"([A-Za-z0-9_.-]+)>=([0-9.]+)"', RUNTIME))
    constraints = (ROOT / "constraints-oldest.txt").read_text()
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==([0-9.]+)$", constraints, re.MULTILINE))
    assert floors == pins
    assert {"botocore": "1.39.5", "boto3": "1.39.5"}.items() <= floors.items()
    assert "constraints-oldest.txt" in (ROOT / "tox.ini").read_text()
    assert "botocore and boto3 1.39.5 and later" in (ROOT / "README.md").read_text()


def test_the_readme_names_every_example_and_benchmark_script() -> None:
    readme = (ROOT / "README.md").read_text()
    scripts = [f"examples/{p.name}" for p in (ROOT / "examples").glob("*.py")]
    scripts += [p.name for p in (ROOT / "benchmarks").glob("bench_*.py")]
    assert [script for script in scripts if f"`{script}`" not in readme] == []


def test_the_readme_lists_the_runtime_dependencies_pyproject_declares() -> None:
    declared = re.findall(r'"([A-Za-z0-9_.-]+)[<>=!~ ]', RUNTIME)
    listed = re.search(r"\(pip\s+brings\s+([^)]*)\)", (ROOT / "README.md").read_text())
    assert listed is not None
    assert re.split(r",\s*|\s+and\s+", " ".join(listed.group(1).split())) == declared


def test_ci_runs_exactly_the_test_command_the_readme_opens_with() -> None:
    opening = re.search(r"^```sh\n(.*?)^```", (ROOT / "README.md").read_text(), re.MULTILINE | re.DOTALL)
    assert opening is not None
    commands = opening.group(1).splitlines()
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert len(commands) == 2 and "examples/" in commands[0] and "pytest" in commands[1]
    assert ci[-1] == commands[1]
