"""What building the distribution relies on is declared where pip reads it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = (ROOT / "pyproject.toml").read_text()


def test_the_build_requires_a_setuptools_that_reads_the_license_expression() -> None:
    # `license = "Apache-2.0"` (PEP 639) is refused as invalid metadata by setuptools before 77.
    assert re.search(r'^license = "Apache-2.0"$', PYPROJECT, re.MULTILINE)
    floor = re.search(r'"setuptools>=([0-9]+)', PYPROJECT)
    assert floor is not None and int(floor.group(1)) >= 77


def test_the_license_text_the_wheel_carries_is_in_the_checkout() -> None:
    assert "Apache License\n" in (ROOT / "LICENSE").read_text()
