"""The typed-usage file that ``mypy --strict`` checks (tox -e lint) also runs."""

from __future__ import annotations

import typed_usage


def test_typed_usage_runs():
    assert typed_usage.run() == len("orders")


def test_misspelt_options_are_refused_at_run_time_too():
    import pytest

    with pytest.raises(ValueError, match="replay_mode"):
        typed_usage.mock_events(replay_mode="later")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="unknown quota 'event_busses'"):
        typed_usage.mock_events(quotas={"event_busses": 5})  # type: ignore[dict-item]


def test_every_quota_name_has_a_default():
    from typing import get_args

    from mock_events import QuotaName, quotas

    assert set(get_args(QuotaName)) == set(quotas.DEFAULTS)
