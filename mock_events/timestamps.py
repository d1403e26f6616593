"""Moments near the ends of the calendar: what a ``datetime`` can hold, written and reached safely.

Python's datetimes run from the year 1 to the year 9999; AWS's run further. A moment a request
names outside that range is refused by the operation (``OutOfRange``); a moment that arithmetic
would carry past the end (a timer a thousand years away, a rate schedule's next fire) is
``None``: it never comes, for a clock that cannot pass the year 9999.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

__all__ = ["EARLIEST", "LATEST", "OutOfRange", "format_time", "from_request", "later", "parse_time"]

EARLIEST = datetime.min.replace(tzinfo=timezone.utc)
LATEST = datetime.max.replace(tzinfo=timezone.utc)


class OutOfRange(ValueError):
    """A moment before the year 1 or after the year 9999 (or no moment at all)."""


def from_request(value: Any) -> datetime:
    """A request's timestamp member (epoch seconds on the wire; a datetime or ISO text from a test)
    as an aware UTC datetime; OutOfRange when no datetime can hold it."""
    try:
        if isinstance(value, datetime):
            moment = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
            return moment.astimezone(timezone.utc)
        if isinstance(value, str):
            return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)
        return datetime.fromtimestamp(value, timezone.utc)
    except (OverflowError, ValueError, TypeError, OSError):
        raise OutOfRange(f"{value!r} is not a moment between the years 1 and 9999") from None


def later(moment: datetime, delta: timedelta) -> datetime | None:
    """``moment + delta``; None when that is past the year 9999."""
    try:
        return moment + delta
    except OverflowError:
        return None


_SECOND = timedelta(seconds=1)
_LAST_SECOND = datetime.max.replace(microsecond=0, tzinfo=timezone.utc)
_last_written: tuple[datetime, datetime, str] = (_LAST_SECOND, _LAST_SECOND, "")
"""The UTC second ``format_time`` last wrote, as the moments that start it and the next one,
and its text: the events of one test mostly fall within the same second."""


def format_time(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC, the year always four digits (``strftime`` drops the zeros)."""
    global _last_written
    if moment.tzinfo is not timezone.utc:  # the mock's clock answers in UTC
        if moment.tzinfo is not None:
            moment = moment.astimezone(timezone.utc)
        return _written(moment)
    start, end, text = _last_written
    if start <= moment < end:
        return text
    text = _written(moment)
    start = moment.replace(microsecond=0)
    if start < _LAST_SECOND:
        _last_written = (start, start + _SECOND, text)
    return text


def _written(moment: datetime) -> str:
    # isoformat writes the year in four digits (strftime's %Y does not, on every platform).
    return moment.isoformat(timespec="seconds")[:19] + "Z"


def parse_time(text: str) -> datetime:
    """The moment :func:`format_time` wrote."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
